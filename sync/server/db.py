"""Engine, migrations and the epoch of the central server's PostgreSQL database."""

import secrets
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, select, update

from sync.server.events import record_event
from sync.server.tables import epoch

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, pool_size: int = 10) -> Engine:
    """psycopg 3 under SQLAlchemy; a plain postgresql:// URL is taken to mean that driver."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate_database(url: str) -> None:
    """Bring the server database to the newest schema (run by `server run` at start-up)."""
    engine = make_engine(url, pool_size=1)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def new_epoch_value() -> str:
    return secrets.token_hex(8)


def current_epoch(engine: Engine) -> str:
    with engine.connect() as connection:
        return epoch_of(connection)


def epoch_of(connection: Connection) -> str:
    value = connection.scalar(select(epoch.c.value).where(epoch.c.id == 1))
    if value is None:
        raise RuntimeError("the server database has no epoch: run the migrations")
    return value


def start_new_epoch(engine: Engine, actor: str = "console") -> str:
    """After a restore from backup: counters that see the new id resync and re-send."""
    value, now = new_epoch_value(), datetime.now(UTC)
    with engine.begin() as connection:
        before = epoch_of(connection)
        connection.execute(update(epoch).where(epoch.c.id == 1).values(value=value, created_at=now))
        record_event(
            connection, actor=actor, action="epoch.started", at=now, before=before, after=value
        )
    return value


def new_epoch_for_copy(url: str) -> str:
    """A database copied from a template must not share the template's epoch."""
    engine = make_engine(url, pool_size=1)
    try:
        return start_new_epoch(engine)
    finally:
        engine.dispose()
