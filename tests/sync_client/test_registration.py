"""Registering a counter whose keyring fails leaves nothing usable on the server; a headless
counter keeps its token in the encrypted file keyring; plaintext keyrings are refused."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.errors import KeyringError
from sqlalchemy import select

from app.db.database import Database, open_database
from app.db.tables import Consumer
from app.domain.errors import UserFacingError
from app.services.setup import initialise
from sync.client import tokens
from sync.client.errors import NotRegistered
from sync.client.register import register_terminal
from sync.client.runner import sync_once
from sync.client.tokens import TokenStore
from tests.e2e_sync.file_keyring import headless_keyring_env
from tests.sync_client.support import ADMIN, ADMIN_PASSWORD, MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_token_store_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test picks its token store itself, whatever the environment running it says."""
    for name in ("TILLDESK_KEYRING", "TILLDESK_KEYRING_KEY_FILE", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)


class LockedKeyring(MemoryKeyring):
    """An OS keyring that is there but refuses to store (locked, no D-Bus session)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the collection is locked")


class ForgetfulKeyring(MemoryKeyring):
    """Says it stored the token, then cannot find it."""

    def get_password(self, service: str, username: str) -> str | None:
        return None


@pytest.fixture
def counter(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "T01.sqlite")
    initialise(db, terminal_code="T01", terminal_name="Counter T01", admin_secret="0000")
    yield db
    db.close()


@pytest.fixture
def trust_this_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """The failing keyrings above pose as OS keyrings: the store must try them."""
    monkeypatch.setattr(tokens, "SECURE_MODULES", (*tokens.SECURE_MODULES, __name__))


def _register(db: Database, url: str) -> None:
    register_terminal(db, server_url=url, code="T01", username=ADMIN, password=ADMIN_PASSWORD)


def _terminals(server) -> list[tuple[str, str]]:
    return [tuple(r) for r in server.query("SELECT code, status FROM terminals ORDER BY code")]


@pytest.mark.parametrize("failing", [LockedKeyring, ForgetfulKeyring])
def test_a_keyring_that_fails_leaves_no_active_terminal_and_a_retry_works(
    failing, counter, server, memory_keyring, trust_this_module
):
    keyring.set_keyring(failing())

    with pytest.raises(UserFacingError) as refused:
        _register(counter, server.url)

    assert "registration was not confirmed" in refused.value.message
    assert "TILLDESK_KEYRING=cryptfile" in refused.value.message
    assert ("T01", "active") not in _terminals(server)
    with pytest.raises(NotRegistered):
        sync_once(counter)

    keyring.set_keyring(memory_keyring)  # the keyring was fixed: register again, same code
    _register(counter, server.url)
    sync_once(counter)

    assert _terminals(server) == [("T01", "active")]
    with counter.read() as uow:
        assert list(uow.session.scalars(select(Consumer.account_number))) == ["WU-10001"]


def _cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TILLDESK_", "PYTHON_KEYRING", "CREDENTIALS_DIRECTORY"))
    }
    return {
        **kept,
        "PYTHONPATH": str(ROOT),
        "TILLDESK_DB": str(tmp_path / "T05.sqlite"),
        "TILLDESK_ADMIN_USER": ADMIN,
        "TILLDESK_ADMIN_PASSWORD": ADMIN_PASSWORD,
        **extra,
    }


def _tilldesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _register_cli(env: dict[str, str], url: str) -> subprocess.CompletedProcess:
    made = _tilldesk(env, "init", "--terminal", "T05", "--admin-pin", "9999")
    assert made.returncode == 0, made.stderr
    return _tilldesk(
        env, "terminal", "register", "--server", url, "--code", "T05", "--insecure-http"
    )


def test_a_headless_counter_without_a_keyring_cannot_register_and_leaves_nothing(server, tmp_path):
    env = _cli_env(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    registered = _register_cli(env, server.url)

    assert registered.returncode == 3
    assert "No secure place is available to keep this terminal's token" in registered.stderr
    assert "TILLDESK_KEYRING=cryptfile" in registered.stderr
    assert _terminals(server) == []


def test_a_headless_counter_registers_and_syncs_with_the_encrypted_file_keyring(
    server, tmp_path, monkeypatch
):
    headless = headless_keyring_env(tmp_path / "headless")
    env = _cli_env(tmp_path, **headless)

    registered = _register_cli(env, server.url)
    synced = _tilldesk(env, "sync", "--once")

    assert registered.returncode == 0, registered.stderr
    assert "encrypted file keyring" in registered.stdout
    assert synced.returncode == 0, synced.stderr
    db = open_database(tmp_path / "T05.sqlite")
    with db.read() as uow:
        assert list(uow.session.scalars(select(Consumer.account_number))) == ["WU-10001"]
    db.close()
    assert _terminals(server) == [("T05", "active")]
    token_file = Path(headless["TILLDESK_KEYRING_FILE"])
    assert token_file.stat().st_mode & 0o777 == 0o600
    for name, value in headless.items():
        monkeypatch.setenv(name, value)
    token = TokenStore().load(server.url, "T05")
    assert token and token not in token_file.read_text()


def test_the_encrypted_file_keyring_is_chosen_by_its_credential_in_process(
    counter, server, tmp_path, monkeypatch, memory_keyring
):
    headless = headless_keyring_env(tmp_path / "headless")
    monkeypatch.delenv("TILLDESK_KEYRING", raising=False)  # the credential decides
    for name in ("CREDENTIALS_DIRECTORY", "TILLDESK_KEYRING_FILE"):
        monkeypatch.setenv(name, headless[name])

    _register(counter, server.url)
    sync_once(counter)

    assert memory_keyring.secrets == {}  # nothing went to the other keyring
    assert "[tilldesk]" in Path(headless["TILLDESK_KEYRING_FILE"]).read_text()


def _headless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    headless = headless_keyring_env(tmp_path / "headless")
    for name in ("TILLDESK_KEYRING", "CREDENTIALS_DIRECTORY", "TILLDESK_KEYRING_FILE"):
        monkeypatch.setenv(name, headless[name])
    return headless


def test_the_encrypted_file_keyring_needs_its_key(tmp_path, monkeypatch):
    _headless(tmp_path, monkeypatch)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")

    with pytest.raises(UserFacingError, match="needs the token file's key"):
        TokenStore().check()


def test_a_key_beside_the_token_file_is_refused(tmp_path, monkeypatch):
    headless = _headless(tmp_path, monkeypatch)
    beside = Path(headless["TILLDESK_KEYRING_FILE"]).parent / "keyring.key"
    beside.parent.mkdir(parents=True)
    beside.write_text("k" * 40)
    beside.chmod(0o600)
    monkeypatch.setenv("TILLDESK_KEYRING_KEY_FILE", str(beside))

    with pytest.raises(UserFacingError, match="must not lie beside it"):
        TokenStore().save("https://sync.example", "T01", "secret-token")
    assert not Path(headless["TILLDESK_KEYRING_FILE"]).exists()


def test_a_key_file_other_users_can_read_is_refused(tmp_path, monkeypatch):
    _headless(tmp_path, monkeypatch)
    key = tmp_path / "etc" / "tilldesk.key"
    key.parent.mkdir()
    key.write_text("k" * 40)
    key.chmod(0o644)
    monkeypatch.setenv("TILLDESK_KEYRING_KEY_FILE", str(key))

    with pytest.raises(UserFacingError, match="can be read by other users"):
        TokenStore().check()


def test_the_token_file_does_not_open_with_another_key(tmp_path, monkeypatch):
    headless = _headless(tmp_path, monkeypatch)
    TokenStore().save("https://sync.example", "T01", "secret-token")
    other = tmp_path / "other" / "tilldesk.key"
    other.parent.mkdir()
    other.write_text("another-key-" * 4)
    other.chmod(0o600)
    monkeypatch.setenv("TILLDESK_KEYRING_KEY_FILE", str(other))

    with pytest.raises(UserFacingError, match="made with another key"):
        TokenStore().load("https://sync.example", "T01")
    assert "secret-token" not in Path(headless["TILLDESK_KEYRING_FILE"]).read_text()
