"""A utility continuing its old receipts from R-5001: the administrator starts the {TERM}-less
series there once, before any number is leased, or later only upward - from the server's CLI
or a counter's Numbering settings - and no number is ever issued twice (real PostgreSQL)."""

from datetime import UTC, datetime

import pytest

from app.domain.errors import UserFacingError
from app.services.number_blocks_server import server_address
from cli.main import main
from sync.client.series_start import start_series_at as start_at
from sync.server import reference
from sync.server.db import make_engine
from tests.sync_client.support import LiveServer, pay, sync

FORMATS = {
    "payment": "PAY-{YYYY}-{TERM}-{SEQ:6}",
    "transaction": "TXN-{YYYY}-{TERM}-{SEQ:6}",
    "receipt": "R-{SEQ}",
    "credit_note": "CN-{TERM}-{SEQ}",
}


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILLDESK_NUMBER_BLOCK_SIZE", "10")


@pytest.fixture
def receipts_without_term(server: LiveServer) -> None:
    engine = make_engine(server.db_url, pool_size=1)
    with engine.begin() as conn:
        reference.put_rows(
            conn, {"setting": [{"key": "number_formats", "value": FORMATS}]}, datetime.now(UTC)
        )
    engine.dispose()


def start_series_at(db, series: str, first: int, *, username: str):
    """What Settings > Numbering does: the counter's server address, then the request."""
    where = server_address(db.read())
    return start_at(
        where.server_url, where.terminal_code, where.ca_file, series, first, username=username
    )


def _leased(server: LiveServer) -> list[tuple[str, int, int]]:
    rows = server.query(
        "SELECT t.code, b.first_value, b.last_value FROM number_blocks b "
        "JOIN terminals t ON t.id = b.terminal_id WHERE b.series = 'receipt' ORDER BY 2"
    )
    return [tuple(row) for row in rows]


def test_the_series_continues_from_the_old_systems_last_receipt(
    server, receipts_without_term, counters, capsys
) -> None:
    cli = ["server", "series-start", "receipt", "4001", "--db", server.db_url]
    assert main(cli) == 0
    assert main([*cli[:3], "5001", *cli[4:]]) == 0  # nothing leased yet: a change of mind is fine
    assert "The receipt series starts at 5001." in capsys.readouterr().out

    t01, t02 = counters("T01"), counters("T02")

    assert _leased(server) == [("T01", 5001, 5010), ("T02", 5011, 5020)]
    assert pay(t01, "INV-2025-001234", "1.00").receipt_number == "R-5001"
    assert pay(t02, "INV-2025-001234", "1.00").receipt_number == "R-5011"
    events = server.query(
        "SELECT detail->>'first' FROM server_events WHERE action = 'number_series.start_set' "
        "ORDER BY occurred_at"
    )
    assert [row[0] for row in events] == ["4001", "5001"]


def test_once_numbers_are_leased_the_start_only_moves_above_them(
    server, receipts_without_term, counters, capsys
) -> None:
    t01 = counters("T01")  # leased R-1 .. R-10 at its first sync
    before = server.query("SELECT count(*) FROM number_series_starts")[0][0]

    assert main(["server", "series-start", "receipt", "5", "--db", server.db_url]) == 3
    assert "Numbers up to 10 of the receipt series are already leased" in capsys.readouterr().err
    with pytest.raises(UserFacingError) as refused:
        start_series_at(t01, "receipt", 10, username="admin")
    assert "can only move above 10" in refused.value.message
    assert server.query("SELECT count(*) FROM number_series_starts")[0][0] == before

    assert start_series_at(t01, "receipt", 5001, username="admin").first == 5001
    with pytest.raises(UserFacingError) as lower:
        start_series_at(t01, "receipt", 4000, username="admin")
    assert "already starts at 5001: it can only move up" in lower.value.message

    for _ in range(9):  # R-1 .. R-9: the block runs low, the next sync leases from 5001
        pay(t01, "INV-2025-001234", "1.00")
    sync(t01)
    assert _leased(server)[-1] == ("T01", 5001, 5010)
    pay(t01, "INV-2025-001234", "1.00")  # R-10, the old block's last
    assert pay(t01, "INV-2025-001234", "1.00").receipt_number == "R-5001"
    sync(t01)
    numbers = [row[0] for row in server.query("SELECT receipt_number FROM payments")]
    assert len(numbers) == len(set(numbers)) == 11
