"""The recovery records on a real SQLite file, through the unit of work."""

from datetime import UTC, datetime

from app.db.recovery_repository import SqlRecoveryUnitOfWork, throwaway_database

AT = datetime(2027, 1, 4, 12, tzinfo=UTC)
CASE = {
    "id": "K1", "consumer_id": "C1", "amount_minor": 5_000, "currency": "USD", "method": "card",
    "gateway": "nmi", "card_network": "visa", "card_type": "debit", "failed_at": AT,
    "code": "202", "merchant_advice_code": "", "category": "insufficient_funds",
    "product": "bill", "due_date": "2027-01-03", "segment": "standard", "status": "open",
    "recovered_minor": 0,
}  # fmt: skip


def test_rows_are_kept_only_when_committed(tmp_path):
    sessions = throwaway_database(tmp_path / "sim.sqlite")
    with SqlRecoveryUnitOfWork(sessions) as uow:
        uow.recovery.add_cases([CASE])
    with SqlRecoveryUnitOfWork(sessions) as uow:
        assert uow.recovery.count("cases") == 0
        uow.recovery.add_cases([CASE])
        uow.recovery.add_attempts([{
            "case_id": "K1", "instrument": "C1/card", "at": AT, "amount_minor": 5_000,
            "approved": True, "code": "100", "merchant_advice_code": "", "category": None,
        }])  # fmt: skip
        uow.recovery.add_decisions([{
            "case_id": "K1", "decided_at": AT, "policy": "smart", "kind": "retry_now",
            "act_at": AT, "amount_minor": 5_000, "reason": "payday", "score": 0.8,
            "channel": None,
        }])  # fmt: skip
        uow.recovery.set_statuses({"K1": "paid"})
        uow.commit()
    with SqlRecoveryUnitOfWork(sessions) as uow:
        assert uow.recovery.count("attempts") == 1
        assert uow.recovery.count("decisions") == 1
        assert uow.recovery.status_of("K1") == "paid"
        assert uow.recovery.status_of("K2") is None
