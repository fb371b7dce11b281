"""The terminal's token lives in the OS keyring, never in the database or a clear-text file."""

import contextlib

import keyring
import keyring.backend
from keyring.errors import KeyringError, PasswordDeleteError

from app.domain.errors import UserFacingError

SERVICE = "tilldesk"
_NO_KEYRING = (
    "No secure keyring is available to keep this terminal's token. Install and unlock one: "
    "Secret Service (GNOME Keyring or KWallet) on Linux, Windows Credential Locker on Windows, "
    "or macOS Keychain - then register the terminal again."
)


def token_username(server_url: str, terminal_code: str) -> str:
    return f"{server_url.rstrip('/')}|{terminal_code}"


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    """The fail backend keeps nothing and the plaintext ones keep it readable by anyone who
    copies the file - both defeat the point of a keyring."""
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyrings.alt")):
        return False
    if module.startswith("keyring.backends.chainer"):
        return any(_usable(b) for b in getattr(backend, "backends", []))
    return getattr(backend, "priority", 1) > 0


class TokenStore:
    """Reads and writes the token under service "tilldesk", user "<server url>|<terminal>"."""

    def save(self, server_url: str, terminal_code: str, token: str) -> None:
        backend = keyring.get_keyring()
        if not _usable(backend):
            raise UserFacingError(_NO_KEYRING)
        try:
            keyring.set_password(SERVICE, token_username(server_url, terminal_code), token)
        except KeyringError as error:
            raise UserFacingError(f"{_NO_KEYRING} ({error})") from None

    def load(self, server_url: str, terminal_code: str) -> str | None:
        try:
            return keyring.get_password(SERVICE, token_username(server_url, terminal_code))
        except KeyringError:
            return None

    def forget(self, server_url: str, terminal_code: str) -> None:
        with contextlib.suppress(PasswordDeleteError, KeyringError):
            keyring.delete_password(SERVICE, token_username(server_url, terminal_code))
