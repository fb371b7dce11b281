"""Smart Collect tests: a real recovery database file; PostgreSQL for the server's routes."""

import pytest

from app.services.recovery_database import open_recovery_database
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401


@pytest.fixture
def recovery_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'recovery.sqlite'}"


@pytest.fixture
def engine(recovery_url):
    engine = open_recovery_database(recovery_url)
    yield engine
    engine.dispose()
