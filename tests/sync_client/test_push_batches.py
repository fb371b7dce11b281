"""Push sizes its requests by bytes as well as by count, so large records never stall a
counter on the server's body limit; a record over the per-record limit is parked here."""

from sqlalchemy import select

from app.db.tables import OutboxRecord
from sync.client import push
from tests.sync_client.support import pay, sync


def test_a_batch_over_the_byte_budget_goes_in_several_requests(counters, server, monkeypatch):
    t01 = counters("T01")
    for item, amount in (("INV-2025-001234", "145.50"), ("INV-2025-001567", "152.25")):
        pay(t01, item, amount)
    requests: list[int] = []
    original = push.within_body_budget

    def counted(records):
        kept = original(records)
        requests.append(len(kept))
        return kept

    monkeypatch.setattr(push, "MAX_PUSH_BODY_BYTES", 1)  # one record per request
    monkeypatch.setattr(push, "within_body_budget", counted)

    result = sync(t01)

    assert (result.push.sent, result.push.parked) == (2, 0)
    assert requests[:2] == [1, 1]


def test_a_record_over_the_per_record_limit_is_parked_with_the_reason(
    counters,
    server,
    monkeypatch,
):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "145.50")
    monkeypatch.setattr(push, "MAX_RECORD_PAYLOAD_BYTES", 10)

    result = sync(t01)

    assert result.push.parked == 1
    with t01.read() as uow:
        state, error = uow.session.execute(
            select(OutboxRecord.state, OutboxRecord.reason).where(OutboxRecord.entity == "payment")
        ).one()
    assert state == "parked"
    assert "over the 10 allowed" in (error or "")
