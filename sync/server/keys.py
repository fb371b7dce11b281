"""The server's gateway secrets live in the OS keyring, never in a file or the database.

`tilldesk server set-secret` stores them; a keyring that would keep them in clear text (the
plaintext or "fail" backends, keyrings.alt) is refused with a message saying what to install.
"""

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

KEYRING_SERVICE = "tilldesk-server"
STRIPE_SECRET = "stripe-webhook-secret"
NMI_KEY = "nmi-signing-key"
# Webhook secrets (checked here) and the API keys the poller uses (sync.gateways.config).
SECRET_NAMES = (STRIPE_SECRET, NMI_KEY, "stripe-secret-key", "nmi-security-key")
# keyrings.cryptfile (installed for headless counters) has a plaintext backend, and its
# encrypted ones would ask for a password on a terminal nobody watches.
_UNSAFE_MODULES = (
    "keyring.backends.fail",
    "keyring.backends.null",
    "keyrings.alt",
    "keyrings.cryptfile",
)


class NoSafeKeyring(Exception):
    @property
    def message(self) -> str:
        return str(self.args[0])


def keyring_secret(name: str) -> str | None:
    """None when the secret, or any usable keyring, is missing: the webhook answers 503."""
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except KeyringError:
        return None


def is_safe(backend: KeyringBackend) -> bool:
    backends = getattr(backend, "backends", None)  # the chainer: safe if any member is
    if backends is not None:
        return any(is_safe(member) for member in backends)
    return not type(backend).__module__.startswith(_UNSAFE_MODULES)


def store_secret(name: str, value: str) -> None:
    if name not in SECRET_NAMES:
        raise ValueError(f"Unknown secret {name!r}; expected one of {', '.join(SECRET_NAMES)}.")
    if not is_safe(keyring.get_keyring()):
        raise NoSafeKeyring(
            "No OS keyring is available to keep the secret safe. Use Secret Service "
            "(GNOME Keyring or KWallet, with a D-Bus session) on Linux, Windows Credential "
            "Locker on Windows or the macOS Keychain; a plaintext keyring is not accepted."
        )
    keyring.set_password(KEYRING_SERVICE, name, value)
