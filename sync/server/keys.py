"""The server's gateway secrets live in a keyring, never in a file in clear or the database.

`tilldesk server set-secret` stores them in the OS keyring; a keyring that would keep them in
clear text (the plaintext or "fail" backends, keyrings.alt) is refused with a message saying
what to install. A headless server (the systemd unit) has no OS keyring: with
`TILLDESK_KEYRING=cryptfile` it uses the encrypted file of headless counters
(sync/client/tokens.py), its key a systemd credential never stored beside the file.
"""

from keyring.errors import KeyringError

from app.domain.errors import UserFacingError
from sync.secret_store import headless, is_safe, secret_backend

__all__ = ["is_safe"]  # re-exported: webhook endpoints and messaging check with it

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


class NoSafeKeyring(Exception):
    @property
    def message(self) -> str:
        return str(self.args[0])


secrets_backend = secret_backend  # the name this module has always offered


def keyring_secret(name: str) -> str | None:
    """None when the secret, or any usable keyring, is missing: the webhook answers 503."""
    try:
        return secrets_backend().get_password(KEYRING_SERVICE, name)
    except (KeyringError, UserFacingError):
        return None


def store_secret(name: str, value: str) -> None:
    if name not in SECRET_NAMES:
        raise ValueError(f"Unknown secret {name!r}; expected one of {', '.join(SECRET_NAMES)}.")
    try:
        backend = secrets_backend()
    except UserFacingError as error:
        raise NoSafeKeyring(error.message) from None
    if not headless() and not is_safe(backend):
        raise NoSafeKeyring(
            "No OS keyring is available to keep the secret safe. Use Secret Service "
            "(GNOME Keyring or KWallet, with a D-Bus session) on Linux, Windows Credential "
            "Locker on Windows or the macOS Keychain; on a headless server, the encrypted "
            "file: TILLDESK_KEYRING=cryptfile with its key as the systemd credential "
            "'tilldesk-keyring' (README: The central server). A plaintext keyring is not "
            "accepted."
        )
    backend.set_password(KEYRING_SERVICE, name, value)
