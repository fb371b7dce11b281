"""Payment link tests: PostgreSQL fixtures (tests/pg.py) for the server and its recovery data."""

from tests.pg import pg_cluster, pg_url, server_db_url, server_template  # noqa: F401
