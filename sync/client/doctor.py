"""`tilldesk doctor`'s network checks: the keyring that holds the terminal token, the server's
health answer, and the clock measured against the server's now."""

from collections.abc import Callable
from datetime import UTC, datetime

from app.db.database import Database
from app.domain.errors import UserFacingError
from app.domain.health import Finding, Verdict
from sync.client import state
from sync.client.errors import NotRegistered, ServerRefused, ServerUnavailable
from sync.client.http import ServerClient
from sync.client.tokens import TokenStore


def check_keyring(tokens: TokenStore, *, registered: bool) -> Finding:
    """A registered counter cannot sync without its token; a standalone one needs it later."""
    try:
        tokens.check()
    except UserFacingError as error:
        if registered:
            return Finding(
                "keyring", Verdict.FAIL, "No safe place for the terminal token.", str(error)
            )
        return Finding(
            "keyring",
            Verdict.WARN,
            "No safe place for a terminal token: registering with a server will need one.",
            str(error),
        )
    return Finding("keyring", Verdict.OK, f"Secrets are kept in {tokens.where()}.")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def is_registered(db: Database) -> bool:
    try:
        state.connection(db)
    except NotRegistered:
        return False
    return True


def check_server(
    db: Database,
    tokens: TokenStore,
    *,
    warn_s: int,
    block_s: int,
    now: Callable[[], datetime] = _utc_now,
) -> list[Finding]:
    """Reachable, answering as a Tilldesk server, this terminal's token present, clock close."""
    try:
        where = state.connection(db)
    except NotRegistered:
        return [
            Finding(
                "server",
                Verdict.INFO,
                "Standalone counter: not registered with a central server.",
                "To sync, run 'tilldesk terminal register --server URL --code CODE'.",
            )
        ]
    found: list[Finding] = []
    token = None
    try:
        token = tokens.load(where.server_url, where.terminal_code)
    except UserFacingError as error:
        found.append(
            Finding("keyring", Verdict.FAIL, "The terminal token cannot be read.", str(error))
        )
    if token is None and not found:
        found.append(
            Finding(
                "server",
                Verdict.FAIL,
                f"Terminal {where.terminal_code} has no token for {where.server_url}.",
                "Register it again: 'tilldesk terminal register'.",
            )
        )
    client = ServerClient(where.server_url, ca_file=where.ca_file, timeout=(3.0, 5.0))
    try:
        sent = now()
        health = client.health()
        received = now()
    except (ServerUnavailable, ServerRefused) as error:
        found.append(
            Finding(
                "server",
                Verdict.FAIL,
                f"{where.server_url} did not answer: {error}",
                "Check the network and that 'tilldesk server run' is up; the "
                "counter keeps working offline meanwhile.",
            )
        )
        return found
    finally:
        client.close()
    found.append(
        Finding("server", Verdict.OK, f"{where.server_url} answers (protocol {health.protocol}).")
    )
    midpoint = sent + (received - sent) / 2
    skew = (health.server_time - midpoint).total_seconds()
    found.append(clock_finding(skew, warn_s=warn_s, block_s=block_s))
    return found


def clock_finding(skew_s: float, *, warn_s: int, block_s: int) -> Finding:
    """skew_s > 0: the server is ahead of this machine."""
    size = abs(skew_s)
    direction = "behind" if skew_s > 0 else "ahead of"
    text = f"This machine's clock is {size:.0f} s {direction} the server's."
    fix = "Turn on automatic time (NTP) on this machine, then sync again."
    if size > block_s:
        return Finding("clock", Verdict.FAIL, text + " Payments are blocked.", fix)
    if size > warn_s:
        return Finding("clock", Verdict.WARN, text, fix)
    return Finding("clock", Verdict.OK, f"Clock within {max(size, 1):.0f} s of the server's.")
