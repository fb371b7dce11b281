"""Gateway keys from the OS keyring (service "tilldesk-server"), and adapters built from them.

Keys never live in a file or the database. A key that is missing, or a machine whose only
keyring is the fail-safe or a plaintext file, gets an error that names the key and the fix.
"""

from typing import Any

import keyring
from keyring.errors import KeyringError

from sync.gateways.adapters.nmi import NmiAdapter
from sync.gateways.adapters.stripe import StripeAdapter
from sync.gateways.errors import MissingKey

SERVICE = "tilldesk-server"
STRIPE_SECRET_KEY = "stripe-secret-key"
STRIPE_WEBHOOK_SECRET = "stripe-webhook-secret"
NMI_SECURITY_KEY = "nmi-security-key"
NMI_SIGNING_KEY = "nmi-signing-key"
KEY_NAMES = (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, NMI_SECURITY_KEY, NMI_SIGNING_KEY)

NO_SECURE_KEYRING = (
    "No secure keyring is available to hold the gateway keys. Install and unlock one: "
    "Secret Service (GNOME Keyring or KWallet) on Linux, Windows Credential Locker on Windows, "
    "or the macOS Keychain."
)


def gateway_key(name: str) -> str:
    """The key stored under `name`, or MissingKey saying which one and how to add it."""
    backend = keyring.get_keyring()
    if _insecure(backend):
        raise MissingKey(NO_SECURE_KEYRING)
    try:
        value = keyring.get_password(SERVICE, name)
    except KeyringError as error:
        raise MissingKey(f"{NO_SECURE_KEYRING} ({error})") from None
    if not value:
        raise MissingKey(
            f"The gateway key '{name}' is not in the keyring (service '{SERVICE}'). "
            f"Add it with: keyring set {SERVICE} {name}"
        )
    return value


def stripe_adapter(*, base_url: str | None = None, **http: Any) -> StripeAdapter:
    extra = {"base_url": base_url} if base_url else {}
    return StripeAdapter(gateway_key(STRIPE_SECRET_KEY), **extra, **http)


def nmi_adapter(*, base_url: str | None = None, **http: Any) -> NmiAdapter:
    extra: dict[str, Any] = {"base_url": base_url} if base_url else {}
    return NmiAdapter(gateway_key(NMI_SECURITY_KEY), **extra, **http)


def _insecure(backend: object) -> bool:
    """The fail backend stores nothing; keyrings.alt's plaintext/obfuscated files are not safe."""
    module = type(backend).__module__
    if module.startswith("keyring.backends.chainer"):
        return all(_insecure(b) for b in getattr(backend, "backends", [])) or not getattr(
            backend, "backends", []
        )
    # keyrings.cryptfile: a plaintext backend, and encrypted ones that prompt for a password
    return module.startswith(("keyring.backends.fail", "keyrings.alt", "keyrings.cryptfile"))
