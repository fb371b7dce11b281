"""The real server and counters of the sync tests (tests/support/sync_fixtures.py), for plans
made at counters."""

import pytest

from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401
from tests.sync_client.support import LiveServer, MemoryKeyring


@pytest.fixture(autouse=True)
def memory_keyring(sync_keyring: MemoryKeyring) -> MemoryKeyring:
    return sync_keyring


@pytest.fixture
def server(sync_server: LiveServer) -> LiveServer:
    return sync_server


@pytest.fixture
def counters(sync_counters):
    return sync_counters
