"""Bring a database file to the newest schema at start-up, after a backup of the old one."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.db.private_files import private_file

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, db_path: Path) -> Path | None:
    """Upgrade to head; if the file already held data, first VACUUM INTO a dated backup.

    Returns the backup's path when one was made.
    """
    current = current_revision(engine)
    if current == head_revision():
        return None
    backup = None
    if current is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = db_path.with_name(f"{db_path.stem}.before-{current}.{stamp}.sqlite")
        private_file(backup)  # VACUUM INTO fills an empty file and keeps its 0600 mode
        raw = engine.raw_connection()
        try:
            cast(Any, raw.driver_connection).execute("VACUUM INTO ?", (str(backup),))
        finally:
            raw.close()
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return backup
