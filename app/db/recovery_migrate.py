"""The database of `recovery run` (a SQLite file or a PostgreSQL URL), migrated to head."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "recovery"
BUSY_MS = 10_000  # several workers (or the CLI next to a worker) share one SQLite file


def recovery_alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def recovery_head() -> str:
    return ScriptDirectory.from_config(recovery_alembic_config()).get_current_head() or ""


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def make_recovery_engine(url: str, pool_size: int = 2) -> Engine:
    """psycopg 3 for postgresql:// URLs; a SQLite file in WAL mode whose writers BEGIN IMMEDIATE."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql"):
        return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling would defer the write lock; we issue BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate_recovery(url: str) -> None:
    """Bring the recovery tables at `url` (SQLite or PostgreSQL) to the newest schema."""
    engine = make_recovery_engine(url, pool_size=1)
    try:
        migrate_recovery_engine(engine)
    finally:
        engine.dispose()


def migrate_recovery_engine(engine: Engine) -> None:
    config = recovery_alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
