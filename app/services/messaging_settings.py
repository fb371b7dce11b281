"""The messaging rules, kept in the recovery database: read by `recovery run` wherever it runs
(beside the central PostgreSQL or on one site's file) and edited in Settings > Messaging."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from app.db.recovery_tables_messaging import messaging_settings
from app.domain.errors import UserFacingError
from app.recovery.messaging_rules import MessagingRules


def read_rules(connection: Connection) -> MessagingRules:
    stored = {r.key: r.value for r in connection.execute(select(messaging_settings)).all()}
    return MessagingRules.from_mapping(stored)


def load_rules(engine: Engine) -> MessagingRules:
    with engine.connect() as connection:
        return read_rules(connection)


def rules_problem(current: MessagingRules, changes: Mapping[str, Any]) -> str | None:
    """What is wrong with these changes (None: nothing). Pure: the screen asks before saving."""
    try:
        MessagingRules.from_mapping({**current.to_mapping(), **changes})
    except UserFacingError as error:
        return error.message
    return None


def save_rules(
    engine: Engine,
    changes: Mapping[str, Any],
    *,
    username: str = "",
    now: datetime | None = None,
) -> MessagingRules:
    """Validate the whole result, then write the keys that changed (nothing when it is bad)."""
    at = now or datetime.now(UTC)
    with engine.begin() as connection:
        before = read_rules(connection).to_mapping()
        unknown = sorted(set(changes) - set(before))
        if unknown:
            raise UserFacingError(f"Unknown messaging settings: {', '.join(unknown)}.")
        merged = MessagingRules.from_mapping({**before, **changes})  # raises UserFacingError
        after = merged.to_mapping()
        stored = {r.key for r in connection.execute(select(messaging_settings.c.key)).all()}
        for key, value in after.items():
            if value == before.get(key):  # unchanged defaults stay unpinned
                continue
            values = {"value": value, "updated_at": at, "updated_by": username or ""}
            if key in stored:
                connection.execute(
                    update(messaging_settings).where(messaging_settings.c.key == key).values(values)
                )
            else:
                connection.execute(insert(messaging_settings).values(key=key, **values))
    return merged


def rules_at(url: str) -> MessagingRules:
    """The rules of the recovery database at `url` (the Settings screen's read)."""
    from app.services.recovery_database import shared_recovery_database

    return load_rules(shared_recovery_database(url))


def save_rules_at(url: str, changes: Mapping[str, Any], *, username: str) -> MessagingRules:
    """Save from the Settings screen: the same validation, nothing written when refused."""
    from app.services.recovery_database import shared_recovery_database

    return save_rules(shared_recovery_database(url), changes, username=username)
