"""Which central server this counter leases its numbers from (Settings > Numbering asks it
where a series without {TERM} starts): the address, the terminal code and the CA file."""

from dataclasses import dataclass

from sqlalchemy import select

from app.db.tables import SyncState
from app.db.unit_of_work import UnitOfWork
from app.domain.errors import UserFacingError


@dataclass(frozen=True)
class ServerAddress:
    server_url: str
    terminal_code: str
    ca_file: str | None


def server_address(uow: UnitOfWork) -> ServerAddress:
    """UserFacingError when the counter is not registered with a server."""
    with uow:
        row = uow.session.execute(
            select(SyncState.server_url, SyncState.terminal_code, SyncState.ca_file).where(
                SyncState.id == 1
            )
        ).first()
    if row is None or not row.server_url or not row.terminal_code:
        raise UserFacingError(
            "This counter is not registered with a server: series numbers are leased from "
            "the central server ('tilldesk terminal register')."
        )
    return ServerAddress(row.server_url, row.terminal_code, row.ca_file)
