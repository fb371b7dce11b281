"""Who may act on recovery cases from a counter: a registered, active terminal (its bearer
token) naming an active user whose role may work recovery cases. Shared by every counter-facing
recovery route (case actions, plan offers, Smart Collect) so the rule is written once."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, select

from app.domain.roles import Role
from sync.server.auth import TerminalIdentity, terminal_for_token
from sync.server.tables import users

RECOVERY_ROLES = frozenset({Role.RECOVERY_EXECUTIVE, Role.BILLING_MANAGER, Role.ADMIN})

_bearer = HTTPBearer(auto_error=False)


def active_terminal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TerminalIdentity:
    """FastAPI dependency: the terminal the bearer token belongs to, or 401."""
    engine: Engine = request.app.state.engine
    found = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        with engine.connect() as connection:
            found = terminal_for_token(connection, credentials.credentials)
    if found is None or not found.active:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "A valid terminal token is required.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


def recovery_user_role(engine: Engine, username: str) -> str:
    """The role of the user a terminal names, if that user may work recovery cases; else 403."""
    with engine.connect() as connection:
        data = connection.scalar(select(users.c.data).where(users.c.username == username))
    if data is None or not data.get("active", False):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"{username} is not an active user.")
    role = str(data.get("role"))
    if role not in {r.value for r in RECOVERY_ROLES}:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"{username} may not work recovery cases (role)."
        )
    return role
