"""The server's gateway secrets live in a keyring, never in a file in clear or the database.

`tilldesk server set-secret` stores them in the OS keyring; a keyring that would keep them in
clear text (the plaintext or "fail" backends, keyrings.alt) is refused with a message saying
what to install. A headless server (the systemd unit) has no OS keyring: with
`TILLDESK_KEYRING=cryptfile` it uses the encrypted file of headless counters
(sync/client/tokens.py), its key a systemd credential never stored beside the file.
"""

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from app.domain.errors import UserFacingError
from sync.client.tokens import token_backend, uses_token_file

KEYRING_SERVICE = "tilldesk-server"
STRIPE_SECRET = "stripe-webhook-secret"
NMI_KEY = "nmi-signing-key"
RAZORPAY_SECRET = "razorpay-webhook-secret"  # e-NACH / UPI AutoPay failures for recovery
PAYMENT_LINK_SECRET = "payment-link-secret"  # signs payment links (32+ random bytes as text)
# Webhook secrets (checked here), the API keys the poller uses (sync.gateways.config) and the
# payment links' signing secret.
SECRET_NAMES = (
    STRIPE_SECRET,
    NMI_KEY,
    "stripe-secret-key",
    "nmi-security-key",
    PAYMENT_LINK_SECRET,
    RAZORPAY_SECRET,
)
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


def secrets_backend() -> KeyringBackend:
    """The encrypted file when TILLDESK_KEYRING=cryptfile (or its key is there), else the OS
    keyring. Raises UserFacingError when the encrypted file is asked for but unusable."""
    if uses_token_file():
        return token_backend()
    return keyring.get_keyring()


def keyring_secret(name: str) -> str | None:
    """None when the secret, or any usable keyring, is missing: the webhook answers 503."""
    try:
        return secrets_backend().get_password(KEYRING_SERVICE, name)
    except (KeyringError, UserFacingError):
        return None


def is_safe(backend: KeyringBackend) -> bool:
    backends = getattr(backend, "backends", None)  # the chainer: safe if any member is
    if backends is not None:
        return any(is_safe(member) for member in backends)
    return not type(backend).__module__.startswith(_UNSAFE_MODULES)


def store_secret(name: str, value: str) -> None:
    if name not in SECRET_NAMES:
        raise ValueError(f"Unknown secret {name!r}; expected one of {', '.join(SECRET_NAMES)}.")
    try:
        backend = secrets_backend()
    except UserFacingError as error:
        raise NoSafeKeyring(error.message) from None
    if not uses_token_file() and not is_safe(backend):
        raise NoSafeKeyring(
            "No OS keyring is available to keep the secret safe. Use Secret Service "
            "(GNOME Keyring or KWallet, with a D-Bus session) on Linux, Windows Credential "
            "Locker on Windows or the macOS Keychain; on a headless server, the encrypted "
            "file: TILLDESK_KEYRING=cryptfile with its key as the systemd credential "
            "'tilldesk-keyring' (README: The central server). A plaintext keyring is not "
            "accepted."
        )
    backend.set_password(KEYRING_SERVICE, name, value)
