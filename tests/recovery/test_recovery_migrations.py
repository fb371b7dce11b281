"""The recovery tables' Alembic history: head equals the models on SQLite and on PostgreSQL."""

import pprint

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app.db.recovery_migrate import (
    make_recovery_engine,
    migrate_recovery,
    recovery_alembic_config,
    recovery_head,
)
from app.db.recovery_schema import metadata
from tests.pg import pg_cluster, pg_url  # noqa: F401 - fixtures

VERSION_TABLE = "alembic_version_recovery"


def drift_and_revision(url: str) -> tuple[list[object], str | None]:
    engine = make_recovery_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "version_table": VERSION_TABLE}
            )
            return list(compare_metadata(context, metadata)), context.get_current_revision()
    finally:
        engine.dispose()


def assert_head_matches_models(url: str) -> None:
    migrate_recovery(url)
    migrate_recovery(url)  # a second run at head changes nothing
    differences, revision = drift_and_revision(url)
    assert differences == [], "schema drift:\n" + pprint.pformat(differences)
    assert revision == recovery_head()


def test_sqlite_file_is_migrated_to_the_models(tmp_path) -> None:
    assert_head_matches_models(f"sqlite:///{tmp_path / 'recovery.sqlite'}")


def test_postgresql_is_migrated_to_the_models(pg_url) -> None:  # noqa: F811
    assert_head_matches_models(pg_url)


def test_downgrade_removes_the_tables_and_leaves_other_tables_alone(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    engine = make_recovery_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter_things (id INTEGER PRIMARY KEY)")
    migrate_recovery(url)
    config = recovery_alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert tables == {"counter_things", VERSION_TABLE}
