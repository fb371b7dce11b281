"""Endpoint signing secrets live in the OS keyring (service "tilldesk-webhooks"), never the DB.

The database keeps only the secret's name (`secret_ref`), so a copy of the database cannot
forge our signatures. A keyring that would keep secrets in clear text is refused.
"""

import secrets

from keyring.errors import KeyringError

from app.domain.errors import UserFacingError
from sync.secret_store import secret_backend, usable_for_writing
from sync.server.keys import NoSafeKeyring

KEYRING_SERVICE = "tilldesk-webhooks"


def secret_ref(endpoint_id: str) -> str:
    return f"endpoint-{endpoint_id}"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def store_endpoint_secret(ref: str, value: str) -> None:
    try:
        backend = usable_for_writing()
    except UserFacingError as error:
        raise NoSafeKeyring(error.message) from None
    if backend is None:
        raise NoSafeKeyring(
            "No OS keyring is available to keep the webhook secret safe. Use Secret Service "
            "(GNOME Keyring or KWallet, with a D-Bus session) on Linux, Windows Credential "
            "Locker on Windows or the macOS Keychain; a plaintext keyring is not accepted."
        )
    backend.set_password(KEYRING_SERVICE, ref, value)


def endpoint_secret(ref: str) -> str | None:
    """None when the keyring (or the secret in it) is missing: the try fails and is retried."""
    try:
        return secret_backend().get_password(KEYRING_SERVICE, ref)
    except (KeyringError, UserFacingError):
        return None
