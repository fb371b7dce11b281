"""Messaging credentials from the OS keyring (service "tilldesk-messaging"), never from a file
or the database. A missing one is a UserFacingError that names it and says how to add it.
"""

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from app.domain.errors import UserFacingError

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
# The fail/null backends keep nothing; keyrings.alt and keyrings.cryptfile's plaintext backend
# keep secrets readable on disk, and its encrypted ones prompt on a terminal nobody watches.
_UNSAFE_MODULES = (
    "keyring.backends.fail",
    "keyring.backends.null",
    "keyrings.alt",
    "keyrings.cryptfile",
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
    if not is_safe(keyring.get_keyring()):
        raise MissingCredential(NO_SAFE_KEYRING)
    try:
        value = keyring.get_password(SERVICE, name)
    except KeyringError as error:
        raise MissingCredential(f"{NO_SAFE_KEYRING} ({error})") from None
    if not value:
        raise MissingCredential(
            f"The messaging credential '{name}' is not in the keyring (service '{SERVICE}'). "
            f"Add it with: keyring set {SERVICE} {name}"
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
    if not is_safe(keyring.get_keyring()):
        raise UserFacingError(NO_SAFE_KEYRING)
    keyring.set_password(SERVICE, name, value)


def is_safe(backend: KeyringBackend) -> bool:
    members = getattr(backend, "backends", None)  # the chainer: safe if any member is
    if members is not None:
        return any(is_safe(member) for member in members)
    return not type(backend).__module__.startswith(_UNSAFE_MODULES)
