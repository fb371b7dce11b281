"""What the server's composition root knows when it builds the app (from the environment)."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

RECOVERY_DB_VARIABLE = "TILLDESK_RECOVERY_DB"
PUBLIC_URL_VARIABLE = "TILLDESK_PUBLIC_URL"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ServerOptions:
    db_url: str
    recovery_db: str | None = None  # the recovery database (SQLite file URL or PostgreSQL)
    public_url: str = ""  # how consumers' phones reach this server (payment links)
    clock: Callable[[], datetime] = field(default=_utc_now)

    @classmethod
    def from_environment(cls) -> "ServerOptions":
        return cls(
            db_url=os.environ["TILLDESK_SERVER_DB"],
            recovery_db=os.environ.get(RECOVERY_DB_VARIABLE) or None,
            public_url=os.environ.get(PUBLIC_URL_VARIABLE, ""),
        )
