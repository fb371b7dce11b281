"""Every change to a record reaches every counter that holds it: a payment taken at T01 and
voided at T02 is voided at T01 too (and at a counter set up afterwards), with its allocations
reversed exactly once, so balances and KPIs agree everywhere. Real server, real PostgreSQL."""

from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import Consumer, CreditNote, Payment, PaymentAllocation
from app.services.consumers import account_balance
from app.services.kpis import collection_kpis
from app.services.void_payment import void_payment
from tests.sync_client.support import pay, sync


def seen_from(db: Database, receipt: str) -> tuple[str, str | None, int, int, int, int]:
    """Status, void reason, allocations and their reversals, John's balance, today's takings."""
    with db.read() as uow:
        payment = uow.session.scalar(select(Payment).where(Payment.receipt_number == receipt))
        shares = select(func.count()).where(PaymentAllocation.payment_id == payment.id)
        originals = uow.session.scalar(shares.where(PaymentAllocation.reversal_of.is_(None)))
        reversals = uow.session.scalar(shares.where(PaymentAllocation.reversal_of.is_not(None)))
        john = uow.session.scalar(select(Consumer.id).where(Consumer.account_number == "WU-10001"))
        status, reason = payment.status, payment.void_reason
        balance = account_balance(uow, john)
    taken_today = collection_kpis(db.read()).received_today.value
    return status, reason, originals, reversals, balance, int(taken_today or 0)


def test_a_void_made_at_another_counter_reaches_the_counter_that_took_the_payment(counters):
    t01, t02 = counters("T01"), counters("T02")
    with t01.read() as uow:
        john = uow.session.scalar(select(Consumer.id).where(Consumer.account_number == "WU-10001"))
        owed_before = account_balance(uow, john)
    paid = pay(t01, "INV-2025-001234", "145.50")
    sync(t01)
    sync(t02)
    assert seen_from(t02, paid.receipt_number)[0] == "Posted"

    void_payment(
        t02.unit_of_work(), receipt=paid.receipt_number, reason="Wrong account", username="mbrown"
    )
    sync(t02)
    sync(t01)
    sync(t01)  # the same change again: nothing is reversed twice
    sync(t02)

    # Today T01 still says Posted and counts the 145.50 in its balance and KPIs.
    expected = ("Voided", "Wrong account", 1, 1, owed_before, 0)
    assert seen_from(t01, paid.receipt_number) == expected
    assert seen_from(t02, paid.receipt_number) == expected
    t03 = counters("T03")  # set up after the void: it learns the payment already voided
    assert seen_from(t03, paid.receipt_number) == expected


def test_a_copy_sent_before_a_void_here_never_brings_back_what_the_void_cancelled(counters):
    t01 = counters("T01")
    paid = pay(t01, "INV-2025-001234", "150.00")  # 4.50 over: a credit note
    void_payment(
        t01.unit_of_work(), receipt=paid.receipt_number, reason="Wrong account", username="mbrown"
    )
    sync(t01)  # pushes the note as it was made (Active), then pulls that copy back
    sync(t01)

    with t01.read() as uow:
        note = uow.session.scalar(
            select(CreditNote).where(CreditNote.payment_id == paid.payment_id)
        )
        assert note.status == "Cancelled"
    assert seen_from(t01, paid.receipt_number)[:4] == ("Voided", "Wrong account", 1, 1)
