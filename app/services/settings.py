"""The counter's settings: read them, change them (admin only, validated, audited)."""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from app.domain.changes import Area, Changes, areas
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.numbering import require_term_when_standalone
from app.domain.settings import Settings
from app.services.actors import actor_for
from app.services.number_blocks import require_formats_allowed
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SettingsChanged:
    settings: Settings
    changed_keys: tuple[str, ...]
    changes: Changes = field(default=areas(Area.SETTINGS, Area.PAYMENTS, Area.KPIS))


def current_settings(uow: UnitOfWork) -> Settings:
    with uow:
        return uow.settings()


def update_settings(
    uow: UnitOfWork, changes: dict[str, Any], *, username: str | None
) -> SettingsChanged:
    """Apply some settings at once; the whole result is validated before anything is written."""
    with uow:
        actor = actor_for(uow, username, "manage_settings")
        before = uow.settings().to_mapping()
        merged = Settings.from_mapping({**before, **changes})  # raises UserFacingError
        after = merged.to_mapping()
        changed = tuple(sorted(k for k in after if after[k] != before.get(k)))
        if "number_formats" in changed:  # no {TERM} only with a server to lease numbers
            require_formats_allowed(uow, merged)
        uow.stored_settings.write({k: after[k] for k in changed}, uow.now())
        if changed:
            uow.audit(
                user_id=actor.user_id,
                action="settings.changed",
                entity="settings",
                entity_id="counter",
                before={k: _audited(k, before.get(k)) for k in changed},
                after={k: _audited(k, after[k]) for k in changed},
            )
            uow.enqueue("settings_change", new_id(), {"changed": {k: after[k] for k in changed}})
        uow.commit()
    return SettingsChanged(merged, changed)


def settings_problems(
    current: Settings, changes: dict[str, Any], *, registered: bool = False
) -> dict[str, str]:
    """Which changed setting is wrong, and why: the settings screen shows each message beside
    its field. Pure (no database), so the screen can run it before it saves.

    Each change is tried alone on top of the current settings; a change that is only wrong
    together with another (the default channel removed from the list) is reported under
    "" - the form as a whole. `registered`: whether the counter has a server to lease it
    numbers (a format without {TERM} is refused otherwise).
    """
    base = current.to_mapping()
    problems: dict[str, str] = {}
    for key, value in changes.items():
        try:
            tried = Settings.from_mapping({**base, key: value})
            if key == "number_formats":
                for pattern in tried.number_formats.values():
                    require_term_when_standalone(pattern, registered=registered)
        except UserFacingError as error:
            problems[key] = error.message
    if not problems:
        try:
            Settings.from_mapping({**base, **changes})
        except UserFacingError as error:
            problems[""] = error.message
    return problems


def _audited(key: str, value: Any) -> Any:
    """The logo is recorded by its fingerprint: the audit trail says it changed, and to what,
    without holding kilobytes of image per event."""
    if key == "receipt_logo" and value:
        return "sha256:" + hashlib.sha256(value.encode("ascii")).hexdigest()[:16]
    return value
