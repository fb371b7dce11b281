"""Gateway keys come from the OS keyring; a missing key or an unsafe keyring is named clearly."""

import keyring
import pytest
from keyring.backends import fail

from sync.gateways.config import (
    NMI_SECURITY_KEY,
    SERVICE,
    STRIPE_SECRET_KEY,
    gateway_key,
    nmi_adapter,
    stripe_adapter,
)
from sync.gateways.errors import MissingKey


def test_an_adapter_built_from_the_keyring_charges_with_the_stored_key(memory_keyring, fake_stripe):
    memory_keyring.set_password(SERVICE, STRIPE_SECRET_KEY, fake_stripe.secret_key)
    adapter = stripe_adapter(base_url=fake_stripe.url)
    assert adapter.charge(2500, "USD", "pm_card_visa", "PAY-1", "k").approved


def test_a_missing_key_is_named_with_the_command_that_adds_it(memory_keyring):
    with pytest.raises(MissingKey) as raised:
        nmi_adapter()
    assert raised.value.message == (
        "The gateway key 'nmi-security-key' is not in the keyring (service 'tilldesk-server'). "
        "Add it with: keyring set tilldesk-server nmi-security-key"
    )


def test_without_a_secure_keyring_the_message_names_the_ones_to_install():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(
            MissingKey, match=r"Secret Service.*Windows Credential Locker.*Keychain"
        ):
            gateway_key(NMI_SECURITY_KEY)
    finally:
        keyring.set_keyring(previous)
