"""A part payment that lands while a worker decides: the charge it decided is refused."""

from datetime import UTC, datetime

import pytest

from app.db.recovery_claims import CaseNotOpen, start_attempt
from app.db.recovery_migrate import make_recovery_engine
from app.db.recovery_tables import recovery_events
from tests.recovery.run_helpers import attempts, seed


def _attempt(amount_minor: int, key: str) -> dict:
    return {
        "case_id": "K001", "instrument": "tok_visa", "at": datetime.now(UTC),
        "amount_minor": amount_minor, "code": "", "idempotency_key": key,
    }  # fmt: skip


def test_a_charge_larger_than_what_is_still_owed_is_not_started(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'recovery.sqlite'}"
    seed(url, [14_550])
    engine = make_recovery_engine(url)
    # The worker decided to charge 145.50; meanwhile 50.00 was paid at a counter.
    with engine.begin() as connection:
        connection.execute(recovery_events.insert().values(
            case_id="K001", at=datetime.now(UTC), type="counter_payment", amount_minor=5_000,
        ))  # fmt: skip
    with pytest.raises(CaseNotOpen, match="owes 9550"):
        start_attempt(engine, _attempt(14_550, "rcv-K001-full"))
    start_attempt(engine, _attempt(9_550, "rcv-K001-rest"))
    engine.dispose()
    assert [a["amount_minor"] for a in attempts(url)] == [9_550]
