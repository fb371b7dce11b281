"""The start-up's cheap migration check: the head constant is Alembic's head, a file at head is
opened without importing Alembic, and a file behind is still upgraded."""

import subprocess
import sys
from pathlib import Path

from alembic import command

from app.db.database import Database, open_database
from app.db.migrate import alembic_config, current_revision, head_revision
from app.db.schema_revision import HEAD_REVISION, stored_revision

PROBE = """
import sys
from app.db.database import open_database
open_database(sys.argv[1]).close()
print("alembic" in sys.modules)
"""


def test_the_head_constant_is_the_newest_migration() -> None:
    # On failure: a migration was added under migrations/versions; set HEAD_REVISION to it.
    assert head_revision() == HEAD_REVISION


def test_the_stored_revision_is_alembics_and_none_before_any_migration(db_path: Path) -> None:
    database = open_database(db_path)
    try:
        assert stored_revision(database.writer) == current_revision(database.writer)
        assert stored_revision(database.writer) == HEAD_REVISION
    finally:
        database.close()
    empty = db_path.with_name("empty.sqlite")
    empty.touch()
    plain = Database(empty)  # opened without migrating
    try:
        assert stored_revision(plain.writer) is None
    finally:
        plain.close()


def test_a_file_at_head_is_opened_without_importing_alembic(db_path: Path) -> None:
    open_database(db_path).close()

    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert done.stdout.strip() == "False"


def test_a_file_behind_head_is_upgraded_at_open(db_path: Path) -> None:
    database = open_database(db_path)
    config = alembic_config()
    with database.writer.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    database.close()

    reopened = open_database(db_path)
    try:
        assert stored_revision(reopened.writer) == HEAD_REVISION
    finally:
        reopened.close()
