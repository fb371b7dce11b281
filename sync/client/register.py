"""Register this counter with the server, in two steps: an admin's credentials buy a terminal
token (the server records the terminal as pending); the token goes into the keyring and is read
back, and only then does the counter confirm with it (the terminal becomes active). A keyring
that fails stops the counter before it confirms, so the server is left with nothing usable.
The server URL and terminal code go into sync_state."""

import contextlib
from dataclasses import dataclass

from app.db.database import Database
from app.domain.errors import UserFacingError
from sync.client import state
from sync.client.http import ServerClient
from sync.client.tokens import NO_SECURE_STORE, TokenStore
from sync.protocol import RegisterRequest


@dataclass(frozen=True)
class Registered:
    server_url: str
    terminal_code: str
    epoch: str
    token_kept_in: str


def register_terminal(
    db: Database,
    *,
    server_url: str,
    code: str,
    username: str,
    password: str,
    ca_file: str | None = None,
    tokens: TokenStore | None = None,
) -> Registered:
    code = code.strip().upper()
    with db.read() as uow:
        terminal = uow.terminal()
    if terminal.code != code:
        raise UserFacingError(
            f"This counter was set up as terminal {terminal.code}, not {code}: register it "
            f"as {terminal.code} (the code is part of every receipt number it has issued)."
        )
    tokens = tokens or TokenStore()
    tokens.check()  # no secure store: stop before the server hands out a token at all
    server_url = server_url.rstrip("/")
    client = ServerClient(server_url, ca_file=ca_file)
    try:
        registration = client.register(
            RegisterRequest(code=code, terminal_id=terminal.id, name=terminal.name),
            username,
            password,
        )
    finally:
        client.close()
    _keep(tokens, server_url, code, registration.token)
    confirming = ServerClient(server_url, token=registration.token, ca_file=ca_file)
    try:
        confirming.confirm()
    finally:
        confirming.close()
    state.save_registration(
        db, server_url=server_url, terminal_code=code, ca_file=ca_file, epoch=registration.epoch
    )
    return Registered(server_url, code, registration.epoch, tokens.where())


def _keep(tokens: TokenStore, server_url: str, code: str, token: str) -> None:
    """Save the token and read it back: only a token this counter can find again is
    worth confirming."""
    try:
        tokens.save(server_url, code, token)
        kept = tokens.load(server_url, code)
    except UserFacingError as error:
        raise UserFacingError(_not_confirmed(error.message)) from None
    if kept != token:
        with contextlib.suppress(UserFacingError):
            tokens.forget(server_url, code)
        raise UserFacingError(
            _not_confirmed(f"The keyring did not give the token back. {NO_SECURE_STORE}")
        )


def _not_confirmed(reason: str) -> str:
    return (
        f"{reason} The registration was not confirmed, so the server does not accept this "
        "terminal (the unconfirmed registration expires within an hour). Fix the token's "
        "keyring, then run 'tilldesk terminal register' again."
    )
