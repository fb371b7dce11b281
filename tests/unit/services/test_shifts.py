"""Shifts on a fake unit of work: open, cash in and out, what the drawer holds, close."""

import pytest

from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.roles import Role
from app.domain.shifts import ApprovalReason, ApprovalRequired, MovementKind
from app.services.record_payment import PaymentRequest, record_payment
from app.services.shift_close import CloseRequest, close_shift
from app.services.shift_report import shift_report_document
from app.services.shifts import current_shift, move_cash, open_shift
from tests.support.counter import Counter
from tests.support.fake_uow import seed_user


def pay_bill(counter: Counter, amount: str, method: str = "Cash") -> None:
    request = PaymentRequest(
        "ACC-1001", "Bill", ("INV-2026-000001",), method, amount, username="cashier"
    )
    record_payment(counter.uow, request)


def close(counter: Counter, counts: dict[int, int], **kw: object) -> object:
    values: dict[str, object] = {"cash_counts": counts, "totals": {}, "username": "cashier"}
    return close_shift(counter.uow, CloseRequest(**{**values, **kw}))  # type: ignore[arg-type]


def test_a_new_shift_is_numbered_and_holds_its_float(counter: Counter) -> None:
    shift = open_shift(counter.uow, opening_float="100.00", username="cashier")

    assert shift.number == "SH-T01-0001"
    assert shift.cashier == "Carla Cashier"
    assert shift.expected_cash_minor == 10_000
    assert counter.uow.actions() == ["shift.opened"]


def test_a_second_shift_waits_until_the_first_closes(open_counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="SH-T01-0001 of Carla Cashier is still open"):
        open_shift(open_counter.uow, opening_float="50.00", username="manager")

    assert len(open_counter.store.shifts) == 1


def test_cash_payments_add_to_the_drawer_and_cards_do_not(open_counter: Counter) -> None:
    pay_bill(open_counter, "60.00")
    pay_bill(open_counter, "40.00", method="Credit Card")

    shift = current_shift(open_counter.uow)

    assert shift is not None
    assert shift.expected_cash_minor == 16_000
    assert [(t.method, t.payments, t.amount_minor) for t in shift.takings] == [
        ("Cash", 1, 6_000),
        ("Credit Card", 1, 4_000),
    ]
    assert shift.unsent_payments == 2


def test_cash_in_and_out_move_the_expected_cash(open_counter: Counter) -> None:
    move_cash(
        open_counter.uow, MovementKind.IN, amount="20.00", reason="Change", username="cashier"
    )
    shift = move_cash(
        open_counter.uow, MovementKind.OUT, amount="50.00", reason="Safe drop", username="cashier"
    )

    assert shift.expected_cash_minor == 7_000
    assert [(m.amount_minor, m.by) for m in shift.movements] == [
        (2_000, "Carla Cashier"),
        (-5_000, "Carla Cashier"),
    ]


def test_no_more_cash_is_taken_out_than_the_drawer_holds(open_counter: Counter) -> None:
    with pytest.raises(UserFacingError, match=r"should hold only \$100\.00"):
        move_cash(
            open_counter.uow, MovementKind.OUT, amount="100.01", reason="Drop", username="manager"
        )

    assert open_counter.store.movements == []


def test_a_blind_close_keeps_the_expected_cash_from_the_cashier(open_counter: Counter) -> None:
    with pytest.raises(UserFacingError) as refused:
        move_cash(
            open_counter.uow, MovementKind.OUT, amount="100.01", reason="Drop", username="cashier"
        )

    assert "100.00" not in str(refused.value)
    assert "ask a supervisor" in str(refused.value)


def test_a_close_that_counts_what_was_expected_needs_no_supervisor(open_counter: Counter) -> None:
    pay_bill(open_counter, "120.00")

    closed = close(open_counter, {10_000: 2, 2_000: 1})

    assert closed.figures.difference_minor == 0
    assert open_counter.store.shifts[0].status == "closed"
    assert open_counter.store.shifts[0].counted_cash_minor == 22_000
    assert closed.report.shift_number == "SH-T01-0001"
    assert closed.print_job is None  # no printer set up on this counter


def test_a_short_drawer_needs_a_supervisor_and_nothing_is_closed(open_counter: Counter) -> None:
    pay_bill(open_counter, "120.00")

    with pytest.raises(ApprovalRequired) as refused:
        close(open_counter, {10_000: 2})

    assert refused.value.reasons == (ApprovalReason.DIFFERENCE,)
    assert open_counter.store.shifts[0].status == "open"
    assert open_counter.store.reconciliations == []


def test_a_registered_counter_with_unsent_payments_asks_a_supervisor(
    open_counter: Counter,
) -> None:
    open_counter.store.server_url = "https://central.example"
    pay_bill(open_counter, "120.00")

    with pytest.raises(ApprovalRequired) as refused:
        close(open_counter, {10_000: 2, 2_000: 1})

    assert refused.value.reasons == (ApprovalReason.UNSENT,)


def test_only_the_cashier_or_a_supervisor_closes_a_shift(open_counter: Counter) -> None:
    seed_user(open_counter.store, "other", Role.CASHIER, "Oscar Other")

    with pytest.raises(PermissionDenied, match="is Carla Cashier's"):
        close(open_counter, {10_000: 1}, username="other")


def test_the_z_report_shows_what_was_counted(open_counter: Counter) -> None:
    close(open_counter, {10_000: 1})

    report = shift_report_document(open_counter.uow)

    assert report.terminal_code == "T01"
    assert [(d.value_minor, d.count) for d in report.denominations if d.count] == [(10_000, 1)]
    assert report.difference_minor == 0
