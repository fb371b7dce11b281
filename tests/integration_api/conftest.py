"""Integration API tests: a memory keyring, a recovery database file, a loopback receiver."""

from collections.abc import Iterator

import keyring
import pytest

from app.services.recovery_database import open_recovery_database
from tests.integration_api.receiver import Receiver
from tests.pg import pg_cluster, pg_url, server_db_url, server_template  # noqa: F401
from tests.server.conftest import MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


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
