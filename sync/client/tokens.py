"""Where the terminal's token lives: the OS keyring, or on a headless counter an encrypted file
whose key comes from a systemd credential or a key file the admin names. Never clear text.

`TILLDESK_KEYRING` chooses: `os` (the OS keyring), `cryptfile` (the encrypted file), or unset
(the encrypted file when its key is there, else the OS keyring). README "Headless counters"
shows the systemd set-up.
"""

import contextlib
import os
import stat
from pathlib import Path

import keyring
import keyring.backend
from keyring.errors import KeyringError, PasswordDeleteError
from platformdirs import user_data_dir

from app.domain.errors import UserFacingError

SERVICE = "tilldesk"
CREDENTIAL = "tilldesk-keyring"  # the systemd credential holding the token file's key
MIN_KEY_LENGTH = 16

# The keyring backends that keep secrets encrypted under the user's login. Anything else is
# refused: fail and null keep nothing, and the file ones (keyrings.alt, keyrings.cryptfile's
# PlaintextKeyring, any home-made one) keep the token readable by whoever copies the file.
# keyrings.cryptfile's encrypted backends are only used as configured here, never as picked
# by keyring itself, since then they would prompt for a password on a terminal nobody watches.
SECURE_MODULES: tuple[str, ...] = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.Windows",
    "keyring.backends.macOS",
)

NO_SECURE_STORE = (
    "No secure place is available to keep this terminal's token. On a desktop, install and "
    "unlock an OS keyring: Secret Service (GNOME Keyring or KWallet) on Linux, Windows "
    "Credential Locker on Windows, or macOS Keychain. On a headless Linux counter, use the "
    "encrypted token file: set TILLDESK_KEYRING=cryptfile and give its key as the systemd "
    f"credential '{CREDENTIAL}' (LoadCredentialEncrypted=) or in a file named by "
    "TILLDESK_KEYRING_KEY_FILE, kept away from the token file (README: Headless counters). "
    "Plaintext keyrings are not accepted."
)

_unlocked: dict[tuple[str, str], keyring.backend.KeyringBackend] = {}


def token_username(server_url: str, terminal_code: str) -> str:
    return f"{server_url.rstrip('/')}|{terminal_code}"


def is_secure(backend: keyring.backend.KeyringBackend) -> bool:
    module = type(backend).__module__
    return any(module == name or module.startswith(name + ".") for name in SECURE_MODULES)


def token_file() -> Path:
    chosen = os.environ.get("TILLDESK_KEYRING_FILE")
    if chosen:
        return Path(chosen).expanduser()
    return Path(user_data_dir("tilldesk", appauthor=False)) / "terminal-tokens.cfg"


def key_file() -> Path | None:
    """The admin's key file, else the systemd credential when the service was given one."""
    chosen = os.environ.get("TILLDESK_KEYRING_KEY_FILE")
    if chosen:
        return Path(chosen).expanduser()
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    if credentials and (Path(credentials) / CREDENTIAL).is_file():
        return Path(credentials) / CREDENTIAL
    return None


def uses_token_file() -> bool:
    choice = os.environ.get("TILLDESK_KEYRING", "").strip().lower()
    if choice not in ("", "os", "cryptfile"):
        raise UserFacingError(
            f"TILLDESK_KEYRING={choice} is not known: use 'os' (the OS keyring) or "
            "'cryptfile' (the encrypted token file of a headless counter)."
        )
    return choice == "cryptfile" or (choice == "" and key_file() is not None)


def token_backend() -> keyring.backend.KeyringBackend:
    """The one backend that holds the token, or UserFacingError saying how to get one."""
    if uses_token_file():
        return _encrypted_file(token_file(), key_file())
    chosen = keyring.get_keyring()
    # keyring's chainer writes to whichever member accepts first, a plaintext one included:
    # take its best secure member and use that one alone.
    for backend in getattr(chosen, "backends", None) or [chosen]:
        if is_secure(backend):
            return backend
    raise UserFacingError(NO_SECURE_STORE)


class TokenStore:
    """Reads and writes the token under service "tilldesk", user "<server url>|<terminal>"."""

    def check(self) -> None:
        """Raises UserFacingError now when the token would have nowhere safe to go."""
        token_backend()

    def where(self) -> str:
        """Where the token is kept, in words for the person who registered the terminal."""
        if uses_token_file():
            return f"the encrypted file keyring {token_file()}"
        return "the OS keyring"

    def save(self, server_url: str, terminal_code: str, token: str) -> None:
        backend = token_backend()
        try:
            backend.set_password(SERVICE, token_username(server_url, terminal_code), token)
        except (KeyringError, OSError, ValueError) as error:
            raise UserFacingError(f"{NO_SECURE_STORE} ({error})") from None

    def load(self, server_url: str, terminal_code: str) -> str | None:
        if uses_token_file() and not token_file().exists():
            return None  # nothing saved yet: no reason to create an empty file
        backend = token_backend()
        try:
            return backend.get_password(SERVICE, token_username(server_url, terminal_code))
        except KeyringError:
            return None

    def forget(self, server_url: str, terminal_code: str) -> None:
        with contextlib.suppress(PasswordDeleteError, KeyringError, UserFacingError, OSError):
            token_backend().delete_password(SERVICE, token_username(server_url, terminal_code))


def _encrypted_file(path: Path, key_path: Path | None) -> keyring.backend.KeyringBackend:
    """keyrings.cryptfile's CryptFileKeyring (AES-GCM, key derived with argon2id) at `path`,
    unlocked with the key read from `key_path`, which must not lie beside it."""
    if key_path is None:
        raise UserFacingError(
            "TILLDESK_KEYRING=cryptfile needs the token file's key: give it as the systemd "
            f"credential '{CREDENTIAL}' (LoadCredentialEncrypted=) or in a file named by "
            "TILLDESK_KEYRING_KEY_FILE (README: Headless counters)."
        )
    key = _read_key(key_path, path)
    found = _unlocked.get((str(path), key))
    if found is not None:
        return found
    from keyrings.cryptfile.cryptfile import CryptFileKeyring  # only headless counters need it

    backend = CryptFileKeyring()
    backend.file_path = str(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        backend.keyring_key = key  # creates the file (mode 0600) or checks the key against it
    except ValueError:
        raise UserFacingError(
            f"The token file {path} cannot be opened with the key in {key_path}: it was made "
            "with another key. Use that key, or move the file away and register again."
        ) from None
    _unlocked[(str(path), key)] = backend
    return backend


def _read_key(key_path: Path, token_path: Path) -> str:
    if key_path.resolve().is_relative_to(token_path.expanduser().resolve().parent):
        raise UserFacingError(
            f"The key of the token file must not lie beside it ({key_path}): whoever copies "
            "the folder would have both. Keep it in a systemd credential or another folder."
        )
    try:
        mode = key_path.stat().st_mode
        key = key_path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise UserFacingError(f"The token file's key cannot be read: {error}.") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO) and not _is_credential(key_path):
        raise UserFacingError(
            f"The key file {key_path} can be read by other users: make it theirs no more "
            f"(chmod 600 {key_path})."
        )
    if len(key) < MIN_KEY_LENGTH:
        raise UserFacingError(
            f"The key in {key_path} is too short: use at least {MIN_KEY_LENGTH} random "
            "characters (for example: openssl rand -base64 32)."
        )
    return key


def _is_credential(path: Path) -> bool:
    """systemd decides who may read its credentials: their mode bits are its business."""
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    if not credentials:
        return False
    return path.resolve().parent == Path(credentials).resolve()
