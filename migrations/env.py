"""Alembic environment: the connection comes from app.db.migrate (or a URL for the CLI)."""

from alembic import context
from sqlalchemy import create_engine

import app.db.tables  # noqa: F401 - registers every table on the metadata
from app.db.base import Base

FTS_PREFIXES = ("consumers_fts", "payments_fts")


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001, ANN201
    """FTS5 virtual tables and their shadow tables live outside the ORM metadata."""
    return not (type_ == "table" and name and name.startswith(FTS_PREFIXES))


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _migrate(connection)
    else:
        _migrate(connection)


def _migrate(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
