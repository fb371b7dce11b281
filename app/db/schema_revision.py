"""The counter schema's newest revision and the one a file holds, read without Alembic.

Importing Alembic costs a tenth of a second at every start; a file already at head (nearly
every start) needs only one SELECT. tests/integration/test_schema_revision.py fails when a new
migration is added and HEAD_REVISION is not moved with it.
"""

import sqlite3
from typing import Any, cast

from sqlalchemy import Engine

HEAD_REVISION = "0019"  # migrations/versions/0019_kpi_totals.py


def stored_revision(engine: Engine) -> str | None:
    """The revision in the file's alembic_version table; None for a file with no schema yet."""
    raw = engine.raw_connection()
    try:
        rows = (
            cast(Any, raw.driver_connection)
            .execute("SELECT version_num FROM alembic_version")
            .fetchall()
        )
    except sqlite3.OperationalError:  # no such table: a new, empty file
        return None
    finally:
        raw.close()
    return rows[0][0] if len(rows) == 1 else None


def at_head(engine: Engine) -> bool:
    return stored_revision(engine) == HEAD_REVISION
