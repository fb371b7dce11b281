"""Which central server this counter leases its numbers from (Settings > Numbering asks it
where a series without {TERM} starts): the address, the terminal code and the CA file."""

from dataclasses import dataclass

from app.domain.errors import UserFacingError
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ServerAddress:
    server_url: str
    terminal_code: str
    ca_file: str | None


def server_address(uow: UnitOfWork) -> ServerAddress:
    """UserFacingError when the counter is not registered with a server."""
    with uow:
        row = uow.sync_state.state()
        if row is None or not row.server_url or not row.terminal_code:
            raise UserFacingError(
                "This counter is not registered with a server: series numbers are leased from "
                "the central server ('tilldesk terminal register')."
            )
        return ServerAddress(row.server_url, row.terminal_code, row.ca_file)
