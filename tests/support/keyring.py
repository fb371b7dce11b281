"""An in-memory keyring for tests, the server tests' gateway secrets, and `memory_keyring`
(a pytest plugin, registered in tests/conftest.py; a package's conftest.py may define its own)."""

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend

STRIPE_SECRET = "whsec_test_secret"
NMI_KEY = "nmi-test-signing-key"


class MemoryKeyring(KeyringBackend):
    """Tests only: a keyring that forgets everything when the process ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring installed for the test."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
