"""Real counters, a real server: a supervisor at T02 voids T01's payment; the counter signs the
approval with the PIN hash both sides hold, the server verifies it, stores the void and keeps
the approval beside it; T01 learns of the void."""

import pytest
from sqlalchemy import select

from app.db.tables import Payment
from app.services.credit_notes import apply_credit_note
from app.services.void_payment import void_payment
from tests.sync_client.support import LiveServer, MemoryKeyring, pay, sync


@pytest.fixture(autouse=True)
def memory_keyring(sync_keyring: MemoryKeyring) -> MemoryKeyring:
    """The sync tests' keyring, server and counters, not this folder's own."""
    return sync_keyring


@pytest.fixture
def server(sync_server: LiveServer) -> LiveServer:
    return sync_server


@pytest.fixture
def counters(sync_counters):
    return sync_counters


def test_a_supervisor_at_another_counter_voids_a_payment_with_a_signed_approval(counters, server):
    t01, t02 = counters("T01"), counters("T02")
    paid = pay(t01, "INV-2025-001234", "145.50")
    sync(t01)
    sync(t02)

    void_payment(
        t02.unit_of_work(), receipt=paid.receipt_number, reason="wrong account", username="mbrown"
    )
    result = sync(t02)

    assert (result.push.sent, result.push.parked) == (1, 0)
    [row] = server.query(
        "SELECT status, data FROM payments WHERE receipt_number = :r", r=paid.receipt_number
    )
    assert row.status == "Voided"
    approval = row.data["void_approval"]
    assert (approval["approver_username"], approval["terminal_code"]) == ("mbrown", "T02")
    [event] = server.query("SELECT actor FROM server_events WHERE action = 'payment.void_approved'")
    assert event.actor == "mbrown"
    sync(t01)
    with t01.read() as uow:
        mine = uow.session.scalar(select(Payment).where(Payment.id == paid.payment_id))
        assert mine is not None and mine.receipt_number == paid.receipt_number


def test_a_cashier_uses_another_counters_credit_and_the_server_holds_it_to_what_is_left(
    counters,
    server,
):
    t01, t02 = counters("T01"), counters("T02")
    paid = pay(t01, "INV-2025-001234", "150.00")  # 4.50 over: credit note CN-T01-00001
    assert paid.credit_note is not None
    sync(t01)
    sync(t02)
    number = paid.credit_note.number

    # Both counters use the same 4.50 while neither has heard of the other's use.
    at_t02 = apply_credit_note(
        t02.unit_of_work(), number=number, to="SC-2025-000087", amount="4.50", username="jsmith"
    )
    apply_credit_note(
        t01.unit_of_work(), number=number, to="SC-2025-000087", amount="4.50", username="jsmith"
    )
    first, second = sync(t02), sync(t01)

    assert at_t02.status == "Applied"
    assert (first.push.sent, first.push.parked) == (1, 0)
    assert second.push.parked == 1  # the credit was already used up at T02
    [row] = server.query("SELECT status, data FROM credit_notes WHERE number = :n", n=number)
    assert row.status == "Applied"
    assert "apply_approval" not in row.data  # a cashier's everyday use needs no supervisor


def test_a_supervisors_use_of_another_counters_credit_is_signed_and_kept(counters, server):
    t01, t02 = counters("T01"), counters("T02")
    paid = pay(t01, "INV-2025-001234", "150.00")
    sync(t01)
    sync(t02)
    number = paid.credit_note.number

    apply_credit_note(
        t02.unit_of_work(), number=number, to="SC-2025-000087", amount="4.50", username="mbrown"
    )
    result = sync(t02)

    assert (result.push.sent, result.push.parked) == (1, 0)
    [row] = server.query("SELECT status, data FROM credit_notes WHERE number = :n", n=number)
    assert row.data["apply_approval"]["approver_username"] == "mbrown"
