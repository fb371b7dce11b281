"""Whether a counter file is set up yet, asked with sqlite3 alone: the client asks it on every
start, before its first window and before the services or SQLAlchemy are loaded (ui/app.py);
the first-run wizard (app/services/first_run.py) then sets the counter up."""

import sqlite3
from contextlib import closing
from pathlib import Path

# app.db.tables.LocalState's table, named here so that the check loads no table model (a test
# keeps the two the same).
LOCAL_STATE_TABLE = "local_state"


def needs_first_run(path: Path) -> bool:
    """No counter here yet: no file, or a file without a terminal (an aborted first start)."""
    if not path.exists():
        return True
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as connection:
            row = connection.execute(
                f"SELECT 1 FROM {LOCAL_STATE_TABLE} WHERE key = 'terminal_id'"
            ).fetchone()
    except sqlite3.OperationalError:  # no such table: created but never set up
        return True
    return row is None
