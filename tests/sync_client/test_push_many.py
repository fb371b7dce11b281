"""A counter back online pushes a large outbox: every payment reaches the server, stored once,
and records the server must refuse are still refused one by one among the accepted ones."""

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update

from app.db.tables import OutboxRecord
from app.demo.bench_offline import OfflineBatch, add_offline_payments
from cli.sync_bench import give_server
from sync.server.db import make_engine
from sync.server.tables import payments
from tests.sync_client.support import sync


def _outbox_states(db) -> dict[str, int]:
    with db.read() as uow:
        rows = uow.session.execute(
            select(OutboxRecord.state, func.count())
            .where(OutboxRecord.entity == "payment")
            .group_by(OutboxRecord.state)
        ).all()
    return dict(rows)


def _give(live, batch: OfflineBatch) -> None:
    engine = make_engine(live.db_url, pool_size=1)
    try:
        give_server(engine, batch)
    finally:
        engine.dispose()


def test_a_thousand_payments_taken_offline_all_reach_the_server(counters, server):
    t01 = counters("T01")
    batch = add_offline_payments(t01, 1_000, sample_too=True)
    _give(server, batch)

    result = sync(t01)

    assert (result.push.sent, result.push.parked, result.push.flagged) == (1_000, 0, 0)
    assert _outbox_states(t01) == {"sent": 1_000}
    [(stored, total)] = server.query(
        "SELECT count(*), coalesce(sum(amount_minor), 0) FROM payments "
        "WHERE terminal_id::text = :t",
        t=_terminal_id(t01),
    )
    assert stored == 1_000
    assert total == sum(bill["amount_minor"] for bill in batch.bills)


def test_a_payment_the_server_cannot_take_is_refused_and_the_rest_are_stored(counters, server):
    t01 = counters("T01")
    batch = add_offline_payments(t01, 40, sample_too=True)
    missing = batch.bills.pop(17)  # the server never heard of this bill
    _give(server, batch)

    result = sync(t01)

    assert (result.push.sent, result.push.parked) == (39, 1)
    with t01.read() as uow:
        reason = uow.session.scalar(
            select(OutboxRecord.reason).where(OutboxRecord.state == "parked")
        )
    assert reason is not None and str(missing["id"]) in reason


def test_pushing_the_same_payments_again_stores_nothing_twice(counters, server):
    t01 = counters("T01")
    _give(server, add_offline_payments(t01, 30, sample_too=True))
    sync(t01)
    with t01.unit_of_work() as uow:  # as after a server restore: everything goes again
        uow.session.execute(update(OutboxRecord).values(state="pending", sent_at=None))
        uow.commit()

    again = sync(t01)

    assert (again.push.sent, again.push.parked, again.push.flagged) == (30, 0, 0)
    [(stored,)] = server.query("SELECT count(*) FROM payments")
    assert stored == 30


def _terminal_id(db) -> str:
    with db.read() as uow:
        return str(uow.terminal().id)


def test_a_number_clash_inside_a_large_batch_parks_that_payment_alone(counters, server):
    t01 = counters("T01")
    batch = add_offline_payments(t01, 60, sample_too=True)
    _give(server, batch)
    with t01.read() as uow:
        payloads = [
            json.loads(p)
            for p in uow.session.scalars(
                select(OutboxRecord.payload_json)
                .where(OutboxRecord.entity == "payment", OutboxRecord.state == "pending")
                .order_by(OutboxRecord.seq)
            )
        ]
    taken = payloads[25]
    engine = make_engine(server.db_url, pool_size=1)
    try:  # the server already holds another payment under that receipt number
        with engine.begin() as conn:
            now = datetime.now(UTC)
            conn.execute(
                insert(payments).values(
                    id=uuid.uuid4(),
                    terminal_id=uuid.UUID(taken["terminal_id"]),
                    receipt_number=taken["receipt_number"],
                    consumer_id=uuid.UUID(taken["consumer_id"]),
                    amount_minor=1,
                    currency=taken["currency"],
                    status="Posted",
                    verification="Verified",
                    settlement_status="N/A",
                    source="counter",
                    data={},
                    received_at=now,
                    updated_at=now,
                )
            )
    finally:
        engine.dispose()

    result = sync(t01)

    assert (result.push.sent, result.push.parked) == (59, 1)
    with t01.read() as uow:
        reason = uow.session.scalar(
            select(OutboxRecord.reason).where(OutboxRecord.state == "parked")
        )
    assert reason is not None and taken["receipt_number"] in reason
    [(stored,)] = server.query(
        "SELECT count(*) FROM payments WHERE terminal_id::text = :t AND amount_minor > 1",
        t=_terminal_id(t01),
    )
    [(on_feed,)] = server.query("SELECT count(*) FROM changes WHERE entity = 'payment'")
    assert stored == on_feed == 59
