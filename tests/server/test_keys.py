"""Gateway secrets go only into a real OS keyring."""

import keyring
import pytest
from keyring.backends import fail

from sync.server.keys import NoSafeKeyring, keyring_secret, store_secret


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_an_os_keyring_a_secret_is_refused_with_what_to_install(no_keyring):
    with pytest.raises(NoSafeKeyring) as refused:
        store_secret("stripe-webhook-secret", "whsec_x")
    assert "Secret Service" in refused.value.message
    assert "Windows Credential Locker" in refused.value.message
    assert "macOS Keychain" in refused.value.message


def test_without_an_os_keyring_a_webhook_secret_reads_as_missing(no_keyring):
    assert keyring_secret("stripe-webhook-secret") is None


def test_a_secret_goes_into_a_usable_keyring(memory_keyring):
    store_secret("nmi-signing-key", "key-1")
    assert keyring_secret("nmi-signing-key") == "key-1"


def test_only_the_two_gateway_secrets_are_kept(memory_keyring):
    with pytest.raises(ValueError):
        store_secret("database-password", "x")


@pytest.fixture
def headless_server(tmp_path, monkeypatch, no_keyring):
    """The systemd unit's environment: no OS keyring, the encrypted file and its credential."""
    from tests.e2e_sync.file_keyring import headless_keyring_env

    env = headless_keyring_env(tmp_path)
    env["TILLDESK_KEYRING_FILE"] = str(tmp_path / "state" / "server-secrets.cfg")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def test_a_headless_server_keeps_its_secrets_in_the_encrypted_file(headless_server):
    store_secret("stripe-webhook-secret", "whsec_headless")
    assert keyring_secret("stripe-webhook-secret") == "whsec_headless"
    stored = (headless_server / "state" / "server-secrets.cfg").read_bytes()
    assert b"whsec_headless" not in stored  # encrypted, not a plaintext keyring
    assert (headless_server / "state" / "server-secrets.cfg").stat().st_mode & 0o077 == 0


def test_a_headless_server_without_its_credential_is_told_how_to_give_it(
    headless_server, monkeypatch
):
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")
    with pytest.raises(NoSafeKeyring) as refused:
        store_secret("stripe-webhook-secret", "whsec_x")
    assert "tilldesk-keyring" in refused.value.message
    assert keyring_secret("stripe-webhook-secret") is None  # the webhook answers 503
