"""Messaging credentials from the keyring (service "tilldesk-messaging"; on a headless machine
the encrypted file of sync/secret_store.py), never from a file in clear or the database. A
missing one is a UserFacingError that names it and says how to add it.
"""

from keyring.errors import KeyringError

from app.domain.errors import UserFacingError
from sync.secret_store import headless, is_safe, secret_backend, usable_for_writing

__all__ = ["is_safe"]

SERVICE = "tilldesk-messaging"
SMTP_PASSWORD = "smtp-password"
TWILIO_AUTH_TOKEN = "twilio-auth-token"  # API calls and X-Twilio-Signature
WHATSAPP_ACCESS_TOKEN = "whatsapp-access-token"
WHATSAPP_APP_SECRET = "whatsapp-app-secret"  # X-Hub-Signature-256
WHATSAPP_VERIFY_TOKEN = "whatsapp-verify-token"  # the GET subscription handshake
EMAIL_RELAY_SECRET = "email-relay-secret"  # the mail relay's bounce/complaint posts
UNSUBSCRIBE_KEY = "unsubscribe-signing-key"  # /u/{token} links (sender and server share it)
NAMES = (
    SMTP_PASSWORD,
    TWILIO_AUTH_TOKEN,
    WHATSAPP_ACCESS_TOKEN,
    WHATSAPP_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN,
    EMAIL_RELAY_SECRET,
    UNSUBSCRIBE_KEY,
)
NO_SAFE_KEYRING = (
    "No secure keyring is available to hold the messaging credentials. Install and unlock one: "
    "Secret Service (GNOME Keyring or KWallet) on Linux, Windows Credential Locker on Windows, "
    "or the macOS Keychain."
)


class MissingCredential(UserFacingError):
    """A messaging credential is not in the keyring; the message names it and the fix."""


def credential(name: str) -> str:
    """The credential stored under `name`, or MissingCredential saying how to add it."""
    try:
        backend = secret_backend()
    except UserFacingError as error:
        raise MissingCredential(error.message) from None
    if not headless() and not is_safe(backend):
        raise MissingCredential(NO_SAFE_KEYRING)
    try:
        value = backend.get_password(SERVICE, name)
    except KeyringError as error:
        raise MissingCredential(f"{NO_SAFE_KEYRING} ({error})") from None
    if not value:
        raise MissingCredential(
            f"The messaging credential '{name}' is not in the keyring (service '{SERVICE}'). "
            f"Add it with: tilldesk recovery set-credential {name}"
        )
    return value


def optional_credential(name: str) -> str | None:
    """For the webhooks: None when missing, and the route answers 503 instead of guessing."""
    try:
        return credential(name)
    except MissingCredential:
        return None


def store_credential(name: str, value: str) -> None:
    if name not in NAMES:
        raise UserFacingError(f"Unknown messaging credential {name!r}; one of {', '.join(NAMES)}.")
    backend = usable_for_writing()
    if backend is None:
        raise UserFacingError(NO_SAFE_KEYRING)
    backend.set_password(SERVICE, name, value)
