"""Where every secret of a Tilldesk process lives: the OS keyring, or - on a headless machine
(TILLDESK_KEYRING=cryptfile, as the systemd units set it) - the encrypted file keyring whose key
is a systemd credential (sync/client/tokens.py). Never a plaintext keyring.

Gateway keys, payment-link and messaging credentials and webhook-endpoint secrets all go through
`secret_backend()`, so a service that runs without a desktop session has them all.
"""

import keyring
from keyring.backend import KeyringBackend

from sync.client.tokens import token_backend, uses_token_file

# keyrings.cryptfile (installed for headless machines) has a plaintext backend, and its
# encrypted ones would ask for a password on a terminal nobody watches: only ours is used.
UNSAFE_MODULES = (
    "keyring.backends.fail",
    "keyring.backends.null",
    "keyrings.alt",
    "keyrings.cryptfile",
)


def is_safe(backend: KeyringBackend) -> bool:
    backends = getattr(backend, "backends", None)  # the chainer: safe if any member is
    if backends is not None:
        return any(is_safe(member) for member in backends)
    return not type(backend).__module__.startswith(UNSAFE_MODULES)


def headless() -> bool:
    return uses_token_file()


def secret_backend() -> KeyringBackend:
    """The encrypted file on a headless machine, else the OS keyring (callers check is_safe
    before writing to it). Raises UserFacingError when the encrypted file cannot be opened."""
    if uses_token_file():
        return token_backend()
    return keyring.get_keyring()


def usable_for_writing() -> KeyringBackend | None:
    """The backend to store a secret in, or None when only an unsafe one is there."""
    backend = secret_backend()
    return backend if headless() or is_safe(backend) else None
