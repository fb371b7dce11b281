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
