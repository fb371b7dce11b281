"""Cash shifts on a real counter file: open, move cash, pay, count, close, approve, report."""

import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.db.database import Database
from app.db.tables import AuditEvent, OutboxRecord, Payment, Shift
from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.ids import new_id
from app.domain.shifts import ApprovalReason, ApprovalRequired
from app.services.shifts import cash_in, cash_out, current_shift, open_shift
from app.services.void_payment import void_payment
from tests.support.shifts import APRIL_BILL, close, mark_everything_sent, pay

FLOAT = 20000  # the sample shift's float, $200.00


def actions(db: Database, prefix: str = "shift.") -> list[tuple[str, str, dict]]:
    """(action, username, after) of the shift's audit events, oldest first."""
    with db.read() as uow:
        rows = uow.session.execute(
            text(
                "SELECT a.action, u.username, a.after_json FROM audit_events a "
                "LEFT JOIN users u ON u.id = a.user_id WHERE a.action LIKE :p ORDER BY a.seq"
            ),
            {"p": f"{prefix}%"},
        )
        return [(a, u, json.loads(after or "null")) for a, u, after in rows]


def counts(db: Database) -> dict[str, int]:
    with db.read() as uow:
        return {
            t: uow.session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("shifts", "shift_denomination_counts", "audit_events", "outbox", "payments")
        }


def test_the_sample_counter_has_jane_smiths_shift_open_with_a_200_float(db):
    shift = current_shift(db.read())
    assert shift is not None
    assert (shift.number, shift.cashier_username, shift.status.value) == (
        "SH-T01-0001",
        "jsmith",
        "open",
    )
    assert shift.opening_float_minor == FLOAT
    assert shift.expected_cash_minor == FLOAT and shift.payments == 0


def test_a_cash_payment_adds_what_was_tendered_less_the_change(db):
    pay(db, tendered="150.00")
    shift = current_shift(db.read())
    assert shift.payments == 1
    assert shift.expected_cash_minor == FLOAT + 14550  # $150 in, $4.50 change out


def test_card_payments_are_expected_in_the_card_total_not_the_drawer(db):
    pay(db, method="Credit Card")
    shift = current_shift(db.read())
    assert shift.expected_cash_minor == FLOAT
    assert [(t.method, t.kind, t.amount_minor) for t in shift.takings] == [
        ("Credit Card", "card", 14550)
    ]


def test_cash_in_and_out_move_the_expected_cash_in_minor_units_with_their_reason(db):
    cash_in(db.unit_of_work(), amount="50.00", reason="Float top-up", username="jsmith")
    shift = cash_out(db.unit_of_work(), amount="120.25", reason="Bank drop", username="jsmith")
    assert shift.cash_in_minor == 5000 and shift.cash_out_minor == 12025
    assert shift.expected_cash_minor == FLOAT + 5000 - 12025
    assert [(m.amount_minor, m.reason, m.by) for m in shift.movements] == [
        (5000, "Float top-up", "Jane Smith"),
        (-12025, "Bank drop", "Jane Smith"),
    ]
    assert [(a, u, after["amount_minor"]) for a, u, after in actions(db, "shift.cash")] == [
        ("shift.cash_in", "jsmith", 5000),
        ("shift.cash_out", "jsmith", 12025),
    ]


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("10", "", "Give a reason for the cash movement."),
        ("0", "Bank drop", "The amount must be greater than zero."),
        ("10.005", "Bank drop", "Amount can have at most 2 decimal places."),
        # A blind close (the default) keeps the expected cash from the cashier.
        ("200.01", "Bank drop", "That is more than the drawer should hold"),
    ],
)
def test_a_cash_out_without_reason_or_beyond_the_drawer_is_refused(db, amount, reason, message):
    before = counts(db)
    with pytest.raises(UserFacingError, match=f"^{message.replace('$', '[$]')}"):
        cash_out(db.unit_of_work(), amount=amount, reason=reason, username="jsmith")
    assert counts(db) == before
    assert current_shift(db.read()).cash_out_minor == 0


def test_only_one_shift_can_be_open_on_a_terminal(db):
    with pytest.raises(UserFacingError, match="Shift SH-T01-0001 of Jane Smith is still open"):
        open_shift(db.unit_of_work(), opening_float="100", username="mbrown")
    with db.unit_of_work() as uow, pytest.raises(IntegrityError):  # and the file says so too
        shift = uow.session.scalars(select(Shift)).one()
        uow.session.add(
            Shift(
                id=new_id(),
                terminal_id=shift.terminal_id,
                number="SH-T01-9999",
                cashier_id=shift.cashier_id,
                status="open",
                currency="USD",
                opening_float_minor=0,
                opened_at=uow.now(),
            )
        )
        uow.session.flush()


def test_a_payment_is_refused_without_an_open_shift_and_nothing_is_written(db):
    close(db, {10000: 2})  # nothing taken yet: the float is all there
    before = counts(db)
    with pytest.raises(UserFacingError, match=r"^Open a shift before recording payments\.$"):
        pay(db)
    assert counts(db) == before


def test_a_payment_made_before_the_close_is_counted_and_one_after_is_refused(db, clock):
    pay(db, tendered="145.50")
    mark_everything_sent(db)
    closed = close(db, {10000: 3, 2000: 2, 500: 1, 25: 2})  # $345.50
    assert closed.figures.expected_cash_minor == FLOAT + 14550
    assert closed.figures.difference_minor == 0
    clock.advance(seconds=1)
    with pytest.raises(UserFacingError, match="Open a shift"):
        pay(db, APRIL_BILL)
    reopened = open_shift(db.unit_of_work(), opening_float="100", username="jsmith")
    assert reopened.number == "SH-T01-0002" and reopened.payments == 0
    pay(db, APRIL_BILL)
    assert current_shift(db.read()).payments == 1


def register_with_a_server(db: Database) -> None:
    """What `terminal register` leaves behind: the server's address in sync_state."""
    with db.unit_of_work() as uow:
        uow.session.execute(
            text(
                "INSERT INTO sync_state (id, server_url, terminal_code, cursor, failures) "
                "VALUES (1, 'https://central.example', 'T01', 0, 0) "
                "ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url"
            )
        )
        uow.commit()


def test_a_standalone_counter_closes_with_unsent_payments_without_a_supervisor(db):
    """Never registered with a server: nothing is waiting to be sent anywhere."""
    pay(db, tendered="145.50")
    closed = close(db, {10000: 3, 2000: 2, 500: 1, 25: 2})
    assert closed.approved_by is None and closed.figures.reasons == ()
    assert closed.figures.unsent_payments == 1  # still counted, in case it registers later
    assert current_shift(db.read()) is None


def test_close_is_refused_while_payments_are_unsent_unless_a_supervisor_overrides(db):
    register_with_a_server(db)
    pay(db, tendered="145.50")
    before = counts(db)
    with pytest.raises(ApprovalRequired) as refused:
        close(db, {10000: 3, 2000: 2, 500: 1, 25: 2})
    assert refused.value.reasons == (ApprovalReason.UNSENT,)
    assert refused.value.message.startswith(
        "1 payment of this shift is not sent to the central office yet."
    )
    assert counts(db) == before and current_shift(db.read()) is not None

    closed = close(
        db, {10000: 3, 2000: 2, 500: 1, 25: 2}, supervisor="mbrown", supervisor_pin="2345"
    )
    assert closed.approved_by == "Michael Brown"
    approved = [(u, after) for a, u, after in actions(db) if a == "shift.close_approved"]
    assert approved == [
        (
            "mbrown",
            {
                "shift_number": "SH-T01-0001",
                "closed_by": approved[0][1]["closed_by"],
                "reasons": ["unsent"],
                "off_by_minor": 0,
                "threshold_minor": 500,
                "unsent_payments": 1,
            },
        )
    ]


def test_a_difference_above_the_threshold_needs_the_right_supervisor_pin(db):
    pay(db, tendered="145.50")
    mark_everything_sent(db)
    short = {10000: 3, 2000: 2}  # $340.00 of $345.50: $5.50 short, $5.00 allowed
    with pytest.raises(ApprovalRequired, match=r"off by \$5\.50 in all, more than the \$5\.00"):
        close(db, short)
    with pytest.raises(UserFacingError, match=r"^Wrong supervisor user name or PIN\.$"):
        close(db, short, supervisor="mbrown", supervisor_pin="9999")
    with pytest.raises(PermissionDenied, match="Riya Patel is a recovery executive"):
        close(db, short, supervisor="rpatel", supervisor_pin="3456")
    with pytest.raises(PermissionDenied, match="Jane Smith is a cashier"):
        close(db, short, supervisor="jsmith", supervisor_pin="1234")
    assert current_shift(db.read()) is not None  # every refusal left the shift open

    closed = close(db, short, supervisor="MBROWN", supervisor_pin="2345")
    assert closed.figures.counted_cash_minor == 34000
    assert closed.figures.difference_minor == -550
    with db.read() as uow:
        shift = uow.session.scalars(select(Shift)).one()
        assert (shift.status, shift.expected_cash_minor, shift.counted_cash_minor) == (
            "closed",
            34550,
            34000,
        )
        assert shift.approval_reasons == "difference"


def test_a_difference_up_to_the_threshold_closes_without_a_supervisor(db):
    pay(db, tendered="145.50")
    mark_everything_sent(db)
    closed = close(db, {10000: 3, 2000: 2, 25: 2})  # $340.50: $5.00 short exactly
    assert closed.figures.difference_minor == -500 and closed.approved_by is None
    assert [a for a, _, _ in actions(db)][-1] == "shift.closed"


def test_a_shortage_in_cash_is_not_hidden_by_an_overage_in_cards(db):
    pay(db, tendered="145.50")
    pay(db, APRIL_BILL, method="Debit Card")
    mark_everything_sent(db)
    with pytest.raises(ApprovalRequired, match=r"off by \$20\.00"):
        close(db, {10000: 3, 2000: 2, 500: 1, 25: 2}, totals={"card": "172.25"})
    with pytest.raises(ApprovalRequired, match=r"off by \$20\.00"):  # $10 short, $10 over
        close(db, {10000: 3, 2000: 1, 1000: 1, 500: 1, 25: 2}, totals={"Debit Card": "162.25"})


def test_only_the_shifts_cashier_or_a_supervisor_may_close_it(db):
    with pytest.raises(PermissionDenied, match="Shift SH-T01-0001 is Jane Smith's"):
        close(db, {10000: 2}, username="rpatel")
    closed = close(db, {10000: 2}, username="mbrown")  # the supervisor closes for her
    with db.read() as uow:
        shift = uow.session.scalars(select(Shift)).one()
        assert shift.closed_by != shift.cashier_id
    assert "Closed by" in [r.label for s in closed.report.sections for r in s.rows]


def test_a_supervisor_cannot_approve_their_own_close(db):
    mark_everything_sent(db)
    with pytest.raises(PermissionDenied, match="other than the person closing"):
        close(db, {10000: 1}, username="mbrown", supervisor="mbrown", supervisor_pin="2345")


def test_a_payment_voided_during_the_shift_is_not_expected_in_the_drawer(db):
    recorded = pay(db, tendered="145.50")
    void_payment(
        db.unit_of_work(),
        receipt=recorded.receipt_number,
        reason="wrong account",
        username="mbrown",
    )
    shift = current_shift(db.read())
    assert shift.payments == 0 and shift.expected_cash_minor == FLOAT


def test_closing_writes_the_counts_the_audit_and_one_outbox_row_for_the_server(db):
    pay(db, tendered="145.50")
    mark_everything_sent(db)
    close(db, {10000: 3, 2000: 2, 500: 1, 25: 2}, totals={"card": "0"})
    (closed,) = [after for a, u, after in actions(db) if a == "shift.closed"]
    assert closed["status"] == "closed"
    assert closed["denominations"] == [
        {"value_minor": 10000, "count": 3},
        {"value_minor": 2000, "count": 2},
        {"value_minor": 500, "count": 1},
        {"value_minor": 25, "count": 2},
    ]
    assert closed["reconciliations"][0] == {
        "method": "Cash",
        "payments": 1,
        "expected_minor": 34550,
        "counted_minor": 34550,
    }
    with db.read() as uow:
        pending = uow.session.execute(
            select(OutboxRecord.entity, OutboxRecord.payload_json).where(
                OutboxRecord.state == "pending"
            )
        ).all()
    assert [entity for entity, _ in pending] == ["shift"]
    assert json.loads(pending[0][1])["counted_cash_minor"] == 34550
    assert [a for a, _, _ in actions(db)] == ["shift.opened", "shift.closed"]


def test_counts_and_totals_that_make_no_sense_are_refused_and_nothing_is_written(db):
    before = counts(db)
    for cash, totals, message in (
        ({30: 1}, {}, "There is no USD 0.30 note or coin"),
        ({2000: -2}, {}, "must be between 0"),
        ({}, {"card": "-1"}, "The card total cannot be negative."),
        ({}, {"crypto": "1"}, "Unknown payment method 'crypto'"),
        ({}, {"cash": "200"}, "Count cash note by note"),
    ):
        with pytest.raises(UserFacingError, match=message.replace(".", r"\.")):
            close(db, cash, totals=totals)
    assert counts(db) == before


def test_every_payment_of_a_shift_is_linked_to_it(db):
    pay(db)
    pay(db, APRIL_BILL, method="Cheque")
    with db.read() as uow:
        linked = uow.session.execute(
            text(
                "SELECT s.number, count(*) FROM shift_payments sp "
                "JOIN shifts s ON s.id = sp.shift_id GROUP BY s.number"
            )
        ).all()
        total = uow.session.scalar(select(func.count()).select_from(Payment))
    assert linked == [("SH-T01-0001", 2)] and total == 2


def test_the_audit_chain_still_verifies_after_a_whole_shift(db):
    from app.db import audit

    cash_in(db.unit_of_work(), amount="10", reason="Coins", username="jsmith")
    pay(db)
    close(db, {10000: 3, 2000: 2, 500: 1, 25: 2}, supervisor="mbrown", supervisor_pin="2345")
    with db.read() as uow:
        assert audit.verify(uow.session).intact
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent)) > 0


def test_a_supervisor_is_told_what_the_drawer_should_hold(db):
    with pytest.raises(UserFacingError, match=r"^The drawer should hold only \$200\.00"):
        cash_out(db.unit_of_work(), amount="200.01", reason="Bank drop", username="admin")
