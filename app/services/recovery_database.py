"""Which recovery database a process uses, opened and migrated: one rule for CLI, client, server.

`--db` (or the caller's explicit URL) first, then $TILLDESK_RECOVERY_DB, then - for the client and
the demo - `recovery.db` beside the counter's database. A plain path becomes a SQLite URL.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.errors import UserFacingError

if TYPE_CHECKING:  # the URL rule alone (every `tilldesk recovery` parser) needs no SQLAlchemy
    from sqlalchemy import Engine

DB_VARIABLE = "TILLDESK_RECOVERY_DB"
BESIDE_COUNTER = "recovery.db"


def recovery_db_url(explicit: str | None = None, *, counter_db: Path | None = None) -> str:
    target = explicit or os.environ.get(DB_VARIABLE)
    if not target and counter_db is not None:
        target = str(Path(counter_db).resolve().parent / BESIDE_COUNTER)
    if not target:
        raise UserFacingError(f"Give the recovery database with --db URL (or ${DB_VARIABLE}).")
    return target if "://" in target else f"sqlite:///{Path(target).resolve()}"


def open_recovery_database(url: str) -> Engine:
    """The engine over `url`, its recovery tables migrated to the newest schema."""
    # Imported here: Alembic comes with it, and the client's start only needs the URL rule.
    from app.db.recovery_migrate import make_recovery_engine, migrate_recovery_engine

    engine = make_recovery_engine(url)
    migrate_recovery_engine(engine)
    return engine


@cache
def shared_recovery_database(url: str) -> Engine:
    """One migrated engine per URL for a long-lived process (the client's screens share it)."""
    return open_recovery_database(url)
