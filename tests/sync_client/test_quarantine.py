"""One record a counter cannot apply never stops its feed: it is quarantined (kept with the
error, shown on the Sync screen, reported to the server, retried after an upgrade or when a
supervisor asks) and the rest of the page applies. Bad records are written straight onto the
real server's feed, the way a server that stored them before it validated pushes holds them."""

import json
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import Bill, Consumer, OutboxRecord, Payment
from app.db.tables.sync_state import SyncQuarantine
from app.services.sync_retry import retry_quarantined
from app.services.sync_status import status_line, sync_issues, sync_status
from sync.client.runner import sync_once
from sync.client.state import connection
from sync.server.feed import NewChange
from tests.sync_client.support import LiveServer, pay, publish_changes

T09 = "0190c0de-0000-7000-8000-000000000009"  # a counter this one has never heard of


def other_counters_payment(db: Database, number: int, **changes: object) -> dict:
    """A payment as the server publishes one made at T09: this counter's last payment snapshot,
    renumbered and re-keyed, with `changes` applied."""
    with db.read() as uow:
        payload = json.loads(
            uow.session.scalars(
                select(OutboxRecord.payload_json)
                .where(OutboxRecord.entity == "payment")
                .order_by(OutboxRecord.seq.desc())
            ).first()
        )
    payload.update(
        id=str(uuid.uuid4()),
        terminal_id=T09,
        terminal_code="T09",
        source="counter",
        payment_number=f"PAY-T09-{number:04d}",
        transaction_number=f"TXN-T09-{number:04d}",
        receipt_number=f"R-T09-{number:04d}",
        allocations=[
            {**share, "id": str(uuid.uuid4()), "amount_minor": payload["amount_minor"]}
            for share in payload["allocations"][:1]
        ],
    )
    payload.update(changes)
    if "amount_minor" in changes:
        for share in payload["allocations"]:
            share["amount_minor"] = changes["amount_minor"]
    return payload


def broken_cash_payment(db: Database) -> dict:
    """The probe's record: a cash payment of 1 with 100 tendered and no change."""
    return other_counters_payment(db, 4, amount_minor=1, tendered_minor=100, change_minor=0)


def new_consumer(i: int) -> NewChange:
    key = str(uuid.UUID(int=0x0190_0000_0000_7000_8000_0000_0001_0000 + i))
    return NewChange(
        "consumer",
        key,
        {
            "id": key,
            "account_number": f"WU-9{i:04d}",
            "name": f"Probe Consumer {i}",
            "service_address": f"{i} Probe Street",
            "timezone": "America/New_York",
            "created_at": "2025-01-01T00:00:00+00:00",
        },
    )


def bill_for(server: LiveServer, consumer_id: str, invoice: str) -> NewChange:
    """One of the server's bills, as the feed carries it, moved to another consumer."""
    (data,) = server.query("SELECT data FROM bills ORDER BY id LIMIT 1")[0]
    key = str(uuid.uuid4())
    return NewChange(
        "bill", key, {**data, "id": key, "consumer_id": consumer_id, "invoice_number": invoice}
    )


def feed_head(server: LiveServer) -> int:
    return server.query("SELECT last_seq FROM feed_head")[0][0]


def quarantined(db: Database) -> dict[tuple[str, str], SyncQuarantine]:
    with db.read() as uow:
        rows = uow.session.scalars(select(SyncQuarantine)).all()
        for row in rows:
            uow.session.expunge(row)
        return {(r.entity, r.key): r for r in rows}


def test_a_page_with_records_the_counter_cannot_apply_quarantines_them_and_applies_the_rest(
    counters, server
):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "10.00")
    bad_cash = broken_cash_payment(t01)
    good = other_counters_payment(t01, 5)
    fresh = new_consumer(1)
    orphan_bill = bill_for(server, str(uuid.uuid4()), "INV-PROBE-ORPHAN")  # no such consumer
    fresh_bill = bill_for(server, fresh.key, "INV-PROBE-0001")
    publish_changes(
        server.db_url,
        [
            NewChange("payment", bad_cash["id"], bad_cash),
            fresh,
            orphan_bill,
            fresh_bill,
            NewChange("payment", good["id"], good),
        ],
    )

    result = sync_once(t01)  # today: IntegrityError ck_payments_cash_balances, cursor frozen

    assert result.pull.quarantined == 2
    assert connection(t01).cursor == feed_head(server)
    with t01.read() as uow:
        assert uow.session.get(Consumer, uuid.UUID(fresh.key)).name == "Probe Consumer 1"
        assert uow.session.scalar(select(Bill).where(Bill.invoice_number == "INV-PROBE-0001"))
        assert (
            uow.session.scalar(select(Bill).where(Bill.invoice_number == "INV-PROBE-ORPHAN"))
            is None
        )
        receipts = set(uow.session.scalars(select(Payment.receipt_number)))
    assert "R-T09-0005" in receipts and "R-T09-0004" not in receipts

    # The Sync screen's service lists both, each with what went wrong.
    issues = {i.entity: i for i in sync_issues(t01.read()) if i.kind == "quarantined"}
    assert issues["payment"].reference == "R-T09-0004"
    assert "cash does not balance" in issues["payment"].reason
    assert issues["bill"].reference == "INV-PROBE-ORPHAN"
    assert "FOREIGN KEY constraint failed" in issues["bill"].reason

    # Sync status does not pretend all is well.
    status = sync_status(t01.read())
    assert status.quarantined_count == 2
    assert "could not be applied" in status.last_error and status.last_error_at is not None
    line = status_line(status, ZoneInfo("UTC"))
    assert "2 not applied" in line and "last error" in line

    # The server heard of both from this counter.
    reports = server.query(
        "SELECT r.entity, r.key, r.state, r.error FROM quarantine_reports r "
        "JOIN terminals t ON t.id = r.terminal_id WHERE t.code = 'T01' ORDER BY r.entity"
    )
    assert [(r.entity, r.key, r.state) for r in reports] == [
        ("bill", orphan_bill.key, "quarantined"),
        ("payment", bad_cash["id"], "quarantined"),
    ]
    assert "cash does not balance" in reports[1].error

    # Syncing again neither applies them nor reports them twice.
    sync_once(t01)
    assert set(quarantined(t01)) == {("bill", orphan_bill.key), ("payment", bad_cash["id"])}
    assert len(server.query("SELECT 1 FROM quarantine_reports")) == 2


def test_a_new_counters_first_sync_loads_every_consumer_despite_a_bad_record(counters, server):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "10.00")
    bad_cash = broken_cash_payment(t01)
    publish_changes(
        server.db_url,
        [NewChange("payment", bad_cash["id"], bad_cash), *(new_consumer(i) for i in range(40))],
    )

    t02 = counters("T02")  # init, register and the first sync; today it fails with 0 consumers

    with t02.read() as uow:
        consumers = uow.session.scalar(select(func.count()).select_from(Consumer))
    assert consumers == 41  # John Doe and the 40 new ones
    assert connection(t02).cursor == feed_head(server)
    assert set(quarantined(t02)) == {("payment", bad_cash["id"])}


def test_quarantined_changes_are_retried_after_an_upgrade_and_when_a_supervisor_asks(
    counters, server
):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "10.00")
    sync_once(t01, app_version="1.0.0")
    # Two sound payments an older build could not apply, kept as that build kept them, and one
    # this very build set aside (say, its parent had not arrived).
    upgraded_past = other_counters_payment(t01, 6)
    same_build = other_counters_payment(t01, 7)
    now = datetime.now(UTC)
    with t01.unit_of_work() as uow:
        for payload, version in ((upgraded_past, "0.9.0"), (same_build, "1.0.0")):
            uow.session.add(
                SyncQuarantine(
                    entity="payment",
                    key=payload["id"],
                    seq=1,
                    op="upsert",
                    data_json=json.dumps(payload),
                    error="unknown column in an older build",
                    app_version=version,
                    first_seen_at=now,
                    last_seen_at=now,
                    retries=0,
                    retry_requested=False,
                )
            )
        uow.commit()

    sync_once(t01, app_version="1.0.0")

    with t01.read() as uow:
        receipts = set(uow.session.scalars(select(Payment.receipt_number)))
    assert "R-T09-0006" in receipts and "R-T09-0007" not in receipts
    assert set(quarantined(t01)) == {("payment", same_build["id"])}

    assert retry_quarantined(t01.unit_of_work(), username="mbrown").count == 1
    sync_once(t01, app_version="1.0.0")

    with t01.read() as uow:
        receipts = set(uow.session.scalars(select(Payment.receipt_number)))
    assert {"R-T09-0006", "R-T09-0007"} <= receipts
    assert quarantined(t01) == {}
    assert sync_status(t01.read()).last_error is None
    applied = server.query("SELECT key FROM quarantine_reports WHERE state = 'applied'")
    assert {row.key for row in applied} == {upgraded_past["id"], same_build["id"]}


def test_a_record_whose_parent_comes_in_a_later_page_applies_once_the_parent_arrives(
    counters, server
):
    t01 = counters("T01")
    fresh = new_consumer(7)
    publish_changes(server.db_url, [bill_for(server, fresh.key, "INV-PROBE-0007")])
    sync_once(t01)
    assert [key[0] for key in quarantined(t01)] == ["bill"]

    publish_changes(server.db_url, [fresh])  # the consumer, in a later change (and page)
    sync_once(t01)

    assert quarantined(t01) == {}
    with t01.read() as uow:
        bill = uow.session.scalar(select(Bill).where(Bill.invoice_number == "INV-PROBE-0007"))
        assert bill is not None and bill.consumer_id == uuid.UUID(fresh.key)
