"""What every screen is given: the open counter, the signed-in user, the settings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from babel.dates import format_date, format_datetime

from app.domain.money import format_money
from app.domain.roles import Role
from app.domain.settings import Settings

if TYPE_CHECKING:  # the sign-in screen is shown before SQLAlchemy loads (ui/app.py)
    from app.services.actors import Actor
    from app.services.runtime import Counter

SUPERVISORS = frozenset({Role.BILLING_MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class ClientContext:
    counter: Counter
    settings: Settings
    actor: Actor | None = None
    terminal_code: str = ""

    def signed_in(self, actor: Actor | None) -> ClientContext:
        return replace(self, actor=actor)

    @property
    def username(self) -> str | None:
        return self.actor.username if self.actor else None

    @property
    def is_supervisor(self) -> bool:
        return self.actor is not None and self.actor.role in SUPERVISORS

    # -- formatting in the service center's locale and time zone ---------------------------
    def money(self, minor: int | None) -> str:
        if minor is None:
            return ""
        return format_money(minor, self.settings.currency, self.settings.locale)

    def day(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.settings.locale)

    def moment(self, value: datetime) -> str:
        local = value.astimezone(self.settings.zone)
        return format_datetime(local, format="medium", locale=self.settings.locale)
