"""Token stores for end-to-end tests: the headless counter's encrypted file keyring with its
key in a systemd-style credentials folder (what child `tilldesk` processes use), and a
home-made plaintext file keyring (what the counter must refuse)."""

import json
import os
import secrets
from pathlib import Path

import keyring.backend


def headless_keyring_env(folder: Path) -> dict[str, str]:
    """The environment a systemd unit with `LoadCredentialEncrypted=tilldesk-keyring:...`
    gives the counter: the key in $CREDENTIALS_DIRECTORY (mode 0400), the token file
    elsewhere. No OS keyring at all (the fail backend), as on a headless Linux machine."""
    credentials = folder / "credentials"
    credentials.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = credentials / "tilldesk-keyring"
    key.write_text(secrets.token_urlsafe(32))
    key.chmod(0o400)
    return {
        "TILLDESK_KEYRING": "cryptfile",
        "CREDENTIALS_DIRECTORY": str(credentials),
        "TILLDESK_KEYRING_FILE": str(folder / "counter-data" / "terminal-tokens.cfg"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


class FileKeyring(keyring.backend.KeyringBackend):
    """Secrets in clear in a JSON file named by $TILLDESK_TEST_KEYRING: the plaintext
    "workaround" a counter must refuse. Select it with PYTHON_KEYRING_BACKEND."""

    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ["TILLDESK_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        stored = self._load()
        stored[f"{service}\n{username}"] = password
        self.path.write_text(json.dumps(stored))

    def delete_password(self, service: str, username: str) -> None:
        stored = self._load()
        stored.pop(f"{service}\n{username}", None)
        self.path.write_text(json.dumps(stored))
