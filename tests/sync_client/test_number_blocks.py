"""Formats without {TERM} (R-{SEQ}, CN-{SEQ}, PAY-{YYYY}-{SEQ:6}) on two counters against a real
PostgreSQL server: each counter leases blocks of numbers, records offline from them, is warned
when its block runs low, is refused only when it is used up, and no number is ever issued twice.
"""

import json
import uuid
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from app.db.database import Database, open_database
from app.db.tables import NumberBlock, OutboxRecord, Payment
from app.domain.errors import UserFacingError
from app.services.numbering_preview import next_number_preview
from app.services.settings import update_settings
from app.services.setup import initialise
from app.services.sync_status import status_line, sync_status
from cli.main import main
from sync.client.http import ServerClient
from sync.client.state import connection
from sync.client.tokens import TokenStore
from sync.protocol import NumberBlockRequest
from sync.server import reference
from sync.server.db import make_engine
from tests.sync_client.support import LiveServer, pay, sync

BLOCK = 10  # numbers per lease: low when fewer than 2 are left
SPEC_FORMATS = {
    "payment": "PAY-{YYYY}-{SEQ:6}",
    "transaction": "TXN-{YYYY}-{TERM}-{SEQ:6}",
    "receipt": "R-{SEQ}",
    "credit_note": "CN-{SEQ}",
}


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the server fixture builds the app, which reads it once."""
    monkeypatch.setenv("TILLDESK_NUMBER_BLOCK_SIZE", str(BLOCK))


@pytest.fixture
def spec_formats(server: LiveServer) -> None:
    """The server's administrator chooses the spec's formats; counters pull them at sync."""
    engine = make_engine(server.db_url, pool_size=1)
    with engine.begin() as conn:
        reference.put_rows(
            conn,
            {"setting": [{"key": "number_formats", "value": SPEC_FORMATS}]},
            datetime.now(UTC),
        )
    engine.dispose()


def _receipts(db: Database) -> list[str]:
    with db.read() as uow:
        return sorted(uow.session.scalars(select(Payment.receipt_number)))


def _count(db: Database, table: type) -> int:
    with db.read() as uow:
        return uow.session.scalar(select(func.count()).select_from(table))


def test_two_offline_counters_never_issue_the_same_number(counters, server, spec_formats, capsys):
    t01, t02 = counters("T01"), counters("T02")
    leased = server.query(
        "SELECT t.code, b.first_value, b.last_value FROM number_blocks b "
        "JOIN terminals t ON t.id = b.terminal_id WHERE b.series = 'receipt' ORDER BY 2"
    )
    assert [tuple(row) for row in leased] == [("T01", 1, 10), ("T02", 11, 20)]
    assert next_number_preview(t02.read(), "receipt") == "R-11"

    server.stop()  # both counters carry on offline from their blocks
    for _ in range(8):
        pay(t01, "INV-2025-001234", "1.00")
    assert sync_status(t01.read()).numbers_warning is None
    ninth = pay(t01, "INV-2025-001234", "1.00")
    assert ninth.receipt_number == "R-9"
    assert ninth.payment_number == f"PAY-{datetime.now(UTC).year}-000009"
    status = sync_status(t01.read())
    assert status.numbers_warning is not None and "running low" in status.numbers_warning
    assert "1 receipt number left" in status_line(status, status.now.tzinfo)  # type: ignore[arg-type]
    assert main(["sync", "status", "--db", str(t01.path)]) == 0
    shown = capsys.readouterr().out
    assert "Numbers" in shown and "1 receipt number left" in shown
    pay(t01, "INV-2025-001234", "1.00")  # the last one

    payments, outbox = _count(t01, Payment), _count(t01, OutboxRecord)
    with pytest.raises(UserFacingError) as refused:
        pay(t01, "INV-2025-001234", "1.00")
    assert "sync with the server to get more numbers" in refused.value.message
    assert (_count(t01, Payment), _count(t01, OutboxRecord)) == (payments, outbox)
    assert "No numbers left" in (sync_status(t01.read()).numbers_warning or "")
    assert next_number_preview(t01.read(), "receipt").startswith("none left")

    for _ in range(3):
        pay(t02, "INV-2025-001234", "1.00")

    server.start()
    sync(t01)
    sync(t02)
    on_server = [row[0] for row in server.query("SELECT receipt_number FROM payments")]
    assert len(on_server) == len(set(on_server)) == 13
    assert sorted(on_server, key=lambda n: int(n[2:])) == [f"R-{n}" for n in range(1, 14)]
    assert _receipts(t02) == sorted(on_server)  # T02 pulled T01's ten: still no clash
    with t01.read() as uow:
        assert uow.session.scalar(select(func.count()).where(OutboxRecord.state == "parked")) == 0
    # t01 got a new block at that sync (after T02's), and takes payments again
    assert sync_status(t01.read()).numbers_warning is None
    assert pay(t01, "INV-2025-001234", "1.00").receipt_number == "R-21"


def test_the_server_rejects_a_number_outside_the_terminals_blocks(counters, server, spec_formats):
    t01, _t02 = counters("T01"), counters("T02")
    paid = pay(t01, "INV-2025-001234", "5.00")
    with t01.unit_of_work() as uow:  # a tampered counter claims a number of T02's block
        record = uow.session.scalar(
            select(OutboxRecord).where(OutboxRecord.entity_id == paid.payment_id)
        )
        payload = json.loads(record.payload_json)
        payload["receipt_number"] = "R-15"
        record.payload_json = json.dumps(payload)
        uow.commit()
    sync(t01)
    with t01.read() as uow:
        state, reason = uow.session.execute(
            select(OutboxRecord.state, OutboxRecord.reason).where(
                OutboxRecord.entity_id == paid.payment_id
            )
        ).one()
    assert state == "parked"
    assert reason == "receipt number R-15 is not in a block of numbers leased to terminal T01"
    assert server.query("SELECT count(*) FROM payments")[0][0] == 0


def test_a_lease_is_idempotent_per_request_and_needs_a_terminal(counters, server, spec_formats):
    t01 = counters("T01")
    where = connection(t01)
    client = ServerClient(where.server_url, token=TokenStore().load(where.server_url, "T01"))
    ask = NumberBlockRequest(request_id=uuid.uuid4(), series="credit_note", period="")
    first, again = client.lease_numbers(ask), client.lease_numbers(ask)
    assert (first.first, first.last) == (again.first, again.last) == (11, 20)  # 1-10 at sync
    other = client.lease_numbers(ask.model_copy(update={"request_id": uuid.uuid4()}))
    assert (other.first, other.last) == (21, 30)
    client.close()
    anonymous = requests.post(
        f"{server.url}/v1/number-blocks", json=ask.model_dump(mode="json"), timeout=30
    )
    assert anonymous.status_code == 401


def test_a_standalone_counter_keeps_the_terminal_in_its_formats(tmp_path):
    db = open_database(tmp_path / "standalone.sqlite")
    try:
        initialise(db, terminal_code="T09", terminal_name="Counter T09", admin_secret="0000")
        with pytest.raises(UserFacingError) as refused:
            update_settings(db.unit_of_work(), {"number_formats": SPEC_FORMATS}, username="admin")
        assert "not registered with a central server" in refused.value.message
        assert next_number_preview(db.read(), "receipt").startswith("R-T09-")
        with db.read() as uow:
            assert uow.session.scalar(select(func.count()).select_from(NumberBlock)) == 0
    finally:
        db.close()
