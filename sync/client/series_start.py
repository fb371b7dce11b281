"""Settings > Numbering's "Start a series at": asks the central server to start a series
without {TERM} at a given number (the server refuses anything that could repeat a number).
Imports no database layer: the screen passes the server's address (number_blocks_server)."""

from collections.abc import Callable

from app.domain.errors import UserFacingError
from sync.client.errors import ServerUnavailable
from sync.client.http import ServerClient
from sync.client.tokens import TokenStore
from sync.protocol import SeriesStart, SeriesStartRequest


def start_series_at(
    server_url: str,
    terminal_code: str,
    ca_file: str | None,
    series: str,
    first: int,
    *,
    username: str,
    period: str = "",
    tokens: TokenStore | None = None,
    client_factory: Callable[..., ServerClient] = ServerClient,
) -> SeriesStart:
    """UserFacingError when the token is missing, the server is out of reach or it refuses
    (numbers at or above `first` already leased)."""
    token = (tokens or TokenStore()).load(server_url, terminal_code)
    if not token:
        raise UserFacingError("This terminal's token is not in the keyring: register it again.")
    client = client_factory(server_url, token=token, ca_file=ca_file)
    try:
        return client.set_series_start(
            SeriesStartRequest(series=series, period=period, first=first, set_by=username)  # type: ignore[arg-type]
        )
    except ServerUnavailable as error:
        raise UserFacingError(f"The series start was not set: {error}") from None
    finally:
        client.close()
