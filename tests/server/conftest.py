"""Server tests: a real PostgreSQL (tests/pg.py), the app served by uvicorn on loopback."""

from collections.abc import Iterator

import keyring
import pytest

from tests.pg import pg_cluster, pg_url, server_db_url, server_template  # noqa: F401
from tests.server.live import LiveServer
from tests.server.records import Sample, load_sample
from tests.support.keyring import NMI_KEY, STRIPE_SECRET, MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    backend.set_password("tilldesk-server", "stripe-webhook-secret", STRIPE_SECRET)
    backend.set_password("tilldesk-server", "nmi-signing-key", NMI_KEY)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def server(server_db_url: str, memory_keyring: MemoryKeyring) -> Iterator[LiveServer]:  # noqa: F811
    live = LiveServer(server_db_url).start()
    yield live
    live.stop()


@pytest.fixture
def sample(server: LiveServer) -> Sample:
    """John Doe (WU-10001) with bill INV-2025-001234 (145.50) and a 25.00 late fee."""
    return load_sample(server.engine)
