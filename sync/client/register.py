"""Register this counter with the server: an admin's credentials buy a terminal token, which
goes into the OS keyring; the server URL and terminal code go into sync_state."""

from dataclasses import dataclass

from app.db.database import Database
from app.domain.errors import UserFacingError
from sync.client import state
from sync.client.http import ServerClient
from sync.client.tokens import TokenStore
from sync.protocol import RegisterRequest


@dataclass(frozen=True)
class Registered:
    server_url: str
    terminal_code: str
    epoch: str


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
    (tokens or TokenStore()).save(server_url, code, registration.token)
    state.save_registration(
        db, server_url=server_url, terminal_code=code, ca_file=ca_file, epoch=registration.epoch
    )
    return Registered(server_url, code, registration.epoch)
