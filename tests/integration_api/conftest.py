"""Integration API tests: a memory keyring (tests/support/keyring.py), a recovery database
file, a loopback receiver."""

from collections.abc import Iterator

import pytest

from app.services.recovery_database import open_recovery_database
from tests.integration_api.receiver import Receiver
from tests.pg import pg_cluster, pg_url, server_db_url, server_template  # noqa: F401


@pytest.fixture
def recovery_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'recovery.sqlite'}"


@pytest.fixture
def recovery_engine(recovery_url):
    engine = open_recovery_database(recovery_url)
    yield engine
    engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()
