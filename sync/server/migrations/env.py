"""Alembic environment of the central server (its own history, apart from the counter's)."""

from alembic import context
from sqlalchemy import create_engine

from sync.server.schema import metadata


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("Set sqlalchemy.url or pass a connection to run the migrations.")
        engine = create_engine(url)
        with engine.connect() as connection:
            _migrate(connection)
            connection.commit()
    else:
        _migrate(connection)


def _migrate(connection) -> None:  # noqa: ANN001
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
