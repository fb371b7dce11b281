"""The Credit Notes tab's search and filters, each on a real SQLite file, with their messages."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from app.db.database import Database
from app.domain.credit_notes import CreatedPeriod, created_window
from app.domain.errors import UserFacingError
from app.services.credit_notes import apply_credit_note, create_credit_note
from app.services.credit_notes_list import (
    CreditNoteQuery,
    count_credit_notes,
    find_credit_notes,
    list_credit_notes,
)
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.clock import FakeClock
from tests.support.credit_notes import add_jane_roe

CN1, CN2, CN3, CN4, CN5 = (f"CN-T01-0000{n}" for n in range(1, 6))


def pay(db: Database, account: str, kind: str, item: str, amount: str) -> str:
    request = PaymentRequest(
        account_number=account,
        payment_type=kind,
        items=(item,),
        method="Credit Card",
        amount=amount,
        username="jsmith",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def credit(db: Database, receipt: str, amount: str, reason: str) -> str:
    return create_credit_note(
        db.unit_of_work(), receipt=receipt, amount=amount, reason=reason, username="jsmith"
    ).number


def on(clock: FakeClock, day: date) -> None:
    clock.now = datetime(day.year, day.month, day.day, 14, 0, tzinfo=UTC)


@pytest.fixture
def notes(db: Database, clock: FakeClock) -> Database:
    """Five notes over five weeks; today is Sunday 20 Apr 2025 (en_US weeks start on Sunday).

    CN1 28 Mar  $45.50  Billing Error      John  R-T01-0001  fully used (Applied)
    CN2  2 Apr  $75.00  Duplicate Payment  John  R-T01-0002  partly used
    CN3 15 Apr  $20.00  Overpayment        John  R-T01-0003  unused
    CN4 20 Apr  $10.00  Customer Request   Jane  R-T01-0004  unused
    CN5 20 Apr $120.00  Billing Error      John  R-T01-0003  waiting for approval
    """
    add_jane_roe(db)
    on(clock, date(2025, 3, 28))
    credit(db, pay(db, "WU-10001", "Bill", "INV-2025-001234", "145.50"), "45.50", "Billing Error")
    on(clock, date(2025, 4, 2))
    credit(
        db, pay(db, "WU-10001", "Service", "SC-2025-000101", "75.00"), "75.00", "duplicate payment"
    )
    on(clock, date(2025, 4, 15))
    r3 = pay(db, "WU-10001", "Bill", "INV-2025-001567", "152.25")
    credit(db, r3, "20.00", "Overpayment")
    on(clock, date(2025, 4, 20))
    credit(db, pay(db, "WU-10002", "Bill", "INV-2025-002001", "50.00"), "10.00", "Customer Request")
    credit(db, r3, "120.00", "Billing Error")
    apply_credit_note(db.unit_of_work(), number=CN1, to="PP-2025-0034/1", amount="45.50")
    apply_credit_note(db.unit_of_work(), number=CN2, to="SC-2025-000087", amount="10.00")
    return db


@dataclass(frozen=True)
class Tab:
    db: Database

    def numbers(self, **filters: object) -> list[str]:
        query = CreditNoteQuery(**filters)  # type: ignore[arg-type]
        rows = find_credit_notes(self.db.read(), query, limit=500)
        assert count_credit_notes(self.db.read(), query) == len(rows)
        return sorted(r.number for r in rows)


@pytest.fixture
def tab(notes: Database) -> Tab:
    return Tab(notes)


def test_newest_first_with_every_column_the_tab_shows(notes) -> None:
    rows = find_credit_notes(notes.read(), CreditNoteQuery())
    assert [r.number for r in rows] == [CN5, CN4, CN3, CN2, CN1]
    cn2 = rows[3]
    assert (cn2.consumer_name, cn2.account_number, cn2.receipt_number) == (
        "John Doe",
        "WU-10001",
        "R-T01-0002",
    )
    assert (cn2.amount_minor, cn2.remaining_minor, str(cn2.usage_percent)) == (7500, 6500, "13.3")
    assert (cn2.reason, cn2.status, str(cn2.created_on)) == (
        "Duplicate Payment",
        "Active",
        "2025-04-02",
    )


def test_search_is_case_insensitive_and_partial_on_number_consumer_account_and_receipt(tab) -> None:
    assert tab.numbers(search="cn-t01-00004") == [CN4]
    assert tab.numbers(search="roe") == [CN4]
    assert tab.numbers(search="wu-10002") == [CN4]
    assert tab.numbers(search="r-t01-0003") == [CN3, CN5]
    assert tab.numbers(search="%") == []  # typed text, not a wildcard


def test_status_all_active_applied_and_pending(tab) -> None:
    assert tab.numbers(status="All") == [CN1, CN2, CN3, CN4, CN5]
    assert tab.numbers(status="active") == [CN2, CN3, CN4]
    assert tab.numbers(status="Applied") == [CN1]
    assert tab.numbers(status="Pending Approval") == [CN5]
    with pytest.raises(UserFacingError, match="Unknown credit-note status 'Spent'"):
        tab.numbers(status="Spent")


def test_an_unused_note_past_its_expiry_is_expired_not_active(tab, clock) -> None:
    clock.advance(days=366)
    assert tab.numbers(status="Expired") == [CN2, CN3, CN4]
    assert tab.numbers(status="Active") == []


def test_created_today_this_week_and_this_month(tab) -> None:
    assert tab.numbers(created="Today") == [CN4, CN5]
    assert tab.numbers(created="This Week") == [CN4, CN5]  # en_US: the week began today
    assert tab.numbers(created="This Month") == [CN2, CN3, CN4, CN5]


def test_a_week_starts_on_the_locales_first_day() -> None:
    sunday = date(2025, 4, 20)
    assert created_window(CreatedPeriod.THIS_WEEK, today=sunday, first_weekday=6) == (
        sunday,
        sunday,
    )
    assert created_window(CreatedPeriod.THIS_WEEK, today=sunday, first_weekday=0) == (
        date(2025, 4, 14),
        sunday,
    )


def test_a_custom_range_needs_both_dates_in_order(tab) -> None:
    custom = {"created": "Custom"}
    assert tab.numbers(**custom, date_from=date(2025, 3, 1), date_to=date(2025, 4, 2)) == [
        CN1,
        CN2,
    ]
    assert tab.numbers(**custom, date_from=date(2025, 4, 15), date_to=date(2025, 4, 15)) == [CN3]
    with pytest.raises(UserFacingError, match="The 'from' date must be on or before the 'to'"):
        tab.numbers(**custom, date_from=date(2025, 4, 20), date_to=date(2025, 4, 1))
    with pytest.raises(UserFacingError, match="needs both a 'from' and a 'to' date"):
        tab.numbers(**custom, date_from=date(2025, 4, 1))


def test_reasons_are_a_multi_select(tab) -> None:
    assert tab.numbers(reasons=("Billing Error",)) == [CN1, CN5]
    assert tab.numbers(reasons=("billing error", "Customer Request")) == [CN1, CN4, CN5]
    assert tab.numbers(reasons=()) == [CN1, CN2, CN3, CN4, CN5]


def test_consumer_filter_by_account_or_by_what_is_typed(tab) -> None:
    assert tab.numbers(account_number="WU-10002") == [CN4]
    assert tab.numbers(account_number="WU-10001") == [CN1, CN2, CN3, CN5]
    assert tab.numbers(account_number="WU-100") == []  # chosen means exact
    assert tab.numbers(consumer="jane r") == [CN4]
    assert tab.numbers(consumer="10001") == [CN1, CN2, CN3, CN5]


def test_remaining_fully_used_partial_and_full(tab) -> None:
    assert tab.numbers(remaining="Fully Used") == [CN1]
    assert tab.numbers(remaining="partial") == [CN2]
    assert tab.numbers(remaining="Full") == [CN3, CN4, CN5]
    with pytest.raises(UserFacingError, match="Unknown remaining filter 'Half'"):
        tab.numbers(remaining="Half")


def test_linked_payment_by_receipt_number(tab) -> None:
    assert tab.numbers(receipt_number="R-T01-0003") == [CN3, CN5]
    assert tab.numbers(receipt_number="0004") == [CN4]


def test_amount_range_is_inclusive_numeric_and_ordered(tab) -> None:
    assert tab.numbers(amount_min="20", amount_max="75.00") == [CN1, CN2, CN3]
    assert tab.numbers(amount_min="$100") == [CN5]
    assert tab.numbers(amount_max="10") == [CN4]
    with pytest.raises(UserFacingError, match="Minimum amount must be a number, not 'ten'"):
        tab.numbers(amount_min="ten")
    with pytest.raises(UserFacingError, match="Maximum amount can have at most 2 decimal"):
        tab.numbers(amount_max="1.005")
    with pytest.raises(UserFacingError, match="minimum amount must not be more than the maximum"):
        tab.numbers(amount_min="80", amount_max="20")
    with pytest.raises(UserFacingError, match="minimum amount cannot be negative"):
        tab.numbers(amount_min="-5")


def test_filters_combine(tab) -> None:
    assert tab.numbers(status="Active", reasons=("Duplicate Payment",), remaining="Partial") == [
        CN2
    ]
    assert tab.numbers(search="john", created="This Month", amount_max="50") == [CN3]


def test_the_command_lines_keywords_still_work(notes) -> None:
    rows = list_credit_notes(notes.read(), search="john", status="active", limit=10)
    assert [r.number for r in rows] == [CN3, CN2]
    rows = list_credit_notes(notes.read(), account_number="WU-10002", remaining="Full")
    assert [r.number for r in rows] == [CN4]
    with pytest.raises(UserFacingError, match="A page holds 1 to 500"):
        list_credit_notes(notes.read(), limit=0)
