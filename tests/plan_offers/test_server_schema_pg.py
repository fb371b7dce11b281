"""The server's plan_acceptances table as migration s0011 makes it matches its model."""


def test_the_migration_matches_the_table_model(server_db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sync.server.db import make_engine
    from sync.server.schema import metadata

    engine = make_engine(server_db_url, pool_size=1)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert [d for d in differences if "plan_acceptances" in repr(d)] == []
