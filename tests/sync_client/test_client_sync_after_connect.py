"""The desktop client's background sync on a counter registered while the client runs (the Sync
screen's "Connect to a server..."): the sync started with the window found it unregistered and
ran nothing; once told, it runs without a restart - once, even if the warm-up starts late."""

import threading
import time
from pathlib import Path

from app.db.database import open_database
from app.services.setup import initialise
from app.services.shifts import open_shift
from cli.commands.client import SyncAfterFirstFrame
from sync.client.register import register_terminal
from tests.sync_client.support import ADMIN, ADMIN_PASSWORD, pay


def sync_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tilldesk-sync" and t.is_alive()]


def test_a_counter_registered_while_the_client_runs_starts_syncing_once(server, tmp_path: Path):
    db = open_database(tmp_path / "T05.sqlite")
    try:
        initialise(db, terminal_code="T05", admin_secret="0000")
        sync = SyncAfterFirstFrame(db.path)
        sync.start()  # after the first frame: not registered, so no runner
        assert sync_threads() == []
        register_terminal(
            db, server_url=server.url, code="T05", username=ADMIN, password=ADMIN_PASSWORD
        )

        sync.start_registered()
        sync.start()  # a warm-up that came late starts no second sync
        assert len(sync_threads()) == 1
        deadline = time.monotonic() + 60
        # The reference data arrives, a payment then taken reaches the server.
        while time.monotonic() < deadline and not _has_consumers(db):
            time.sleep(0.1)
        open_shift(db.unit_of_work(), opening_float="100.00", username="jsmith")
        paid = pay(db, "INV-2025-001234", "7.00")
        while time.monotonic() < deadline and not server.query(
            "SELECT 1 FROM payments WHERE id = :id", id=paid.payment_id
        ):
            time.sleep(0.1)
        sync.stop()

        assert server.query("SELECT amount_minor FROM payments WHERE id = :id", id=paid.payment_id)
        assert sync_threads() == []
    finally:
        db.close()


def _has_consumers(db) -> bool:
    from sqlalchemy import text

    with db.read() as uow:
        return bool(uow.session.execute(text("SELECT 1 FROM consumers LIMIT 1")).first())
