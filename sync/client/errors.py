"""How sync fails: the server is out of reach (try again later) or it said no (a person acts)."""

from app.domain.errors import UserFacingError


class ServerUnavailable(Exception):
    """No answer, a time-out or a 5xx: nothing was lost, the runner backs off and retries."""


class ServerRefused(UserFacingError):
    """The server answered and refused (bad token, bad request): retrying will not help."""


class NotRegistered(UserFacingError):
    """This counter has no server yet."""
