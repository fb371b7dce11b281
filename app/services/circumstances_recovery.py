"""What the recovery service does with a consumer's special circumstances and preferences.

* Medical, hardship or bereavement: no automatic charge before a person looked at the case.
  The first visit escalates the case to a recovery executive and pauses it; the executive
  resumes it (`recovery case resume`) once reviewed, and the engine goes on from there.
* Reminders to such a consumer are gentle: the friendly tone, never the urgent override.
* The preferred channel goes first among the channels the rules allow, the preferred language
  is the consumer's language, and a reminder waits for the preferred time of day when that
  time is itself allowed (quiet hours and caps still decide first).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, select, update

from app.db.recovery_claims import release
from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.db.recovery_tables_case_actions import recovery_case_actions
from app.db.recovery_tables_disputes import recovery_circumstances
from app.domain.disputes import CIRCUMSTANCE_WORDS, NEEDS_REVIEW, Circumstance
from app.recovery.quiet_hours import forbidden_reason
from app.services.recovery_case_actions import escalate_case

REVIEW_OWNER = "recovery executive"
REVIEW_PREFIX = "Special circumstances"
SERVICE_USER = "recovery service"


@dataclass(frozen=True)
class CircumstancesNotice:
    consumer_id: str  # the account number
    circumstances: tuple[str, ...]
    preferred_channel: str
    preferred_from: str
    preferred_until: str
    language: str
    set_by: str
    set_at: datetime
    version: int


@dataclass(frozen=True)
class Preferences:
    """What messaging does for one consumer."""

    gentle: bool = False
    channel: str = ""
    window: tuple[time, time] | None = None  # local time of day; may wrap past midnight

    def order(self, usable: list[str]) -> list[str]:
        """The preferred channel first, when the rules allow it at all."""
        if self.channel in usable:
            return [self.channel, *(c for c in usable if c != self.channel)]
        return usable

    def wait_until(self, at: datetime, zone: ZoneInfo) -> datetime | None:
        """When the preferred time next starts, if `at` is outside it (None: inside, or no
        preference)."""
        if self.window is None:
            return None
        local = at.astimezone(zone)
        start, end = self.window
        now = local.time()
        inside = start <= now < end if start < end else (now >= start or now < end)
        if inside:
            return None
        day = local.date() if now < start else local.date() + timedelta(days=1)
        return datetime.combine(day, start, tzinfo=zone)


def record_circumstances(engine: Engine, notice: CircumstancesNotice) -> bool:
    """Keep the consumer's circumstances (the higher version wins); the preferred language
    becomes the consumer's language for messages. False when an older version came late."""
    with engine.begin() as connection:
        kept = connection.scalar(
            select(recovery_circumstances.c.version).where(
                recovery_circumstances.c.consumer_id == notice.consumer_id
            )
        )
        if kept is not None and kept >= notice.version:
            return False
        values = {
            "circumstances": list(notice.circumstances),
            "preferred_channel": notice.preferred_channel, "preferred_from": notice.preferred_from,
            "preferred_until": notice.preferred_until, "language": notice.language,
            "set_by": notice.set_by, "set_at": notice.set_at, "version": notice.version,
        }  # fmt: skip
        if kept is None:
            connection.execute(
                recovery_circumstances.insert().values(consumer_id=notice.consumer_id, **values)
            )
        else:
            connection.execute(
                update(recovery_circumstances)
                .where(recovery_circumstances.c.consumer_id == notice.consumer_id)
                .values(values)
            )
        if notice.language:
            connection.execute(
                update(recovery_consumers)
                .where(recovery_consumers.c.id == notice.consumer_id)
                .values(language=notice.language)
            )
    return True


def preferences_for(connection: Connection, consumer_id: str) -> Preferences:
    row = connection.execute(
        select(recovery_circumstances).where(recovery_circumstances.c.consumer_id == consumer_id)
    ).first()
    if row is None:
        return Preferences()
    window = None
    if row.preferred_from and row.preferred_until:
        window = (time.fromisoformat(row.preferred_from), time.fromisoformat(row.preferred_until))
    return Preferences(_needs_review(row.circumstances), row.preferred_channel, window)


def message_preferences(engine: Engine, context: Any) -> Preferences:
    """The messenger's hook: the consumer's preferences, with the preferred channel put first
    among `context.usable` (the channels the rules and consents allow)."""
    with engine.connect() as connection:
        prefs = preferences_for(connection, str(context.case["consumer_id"]))
    context.usable = prefs.order(list(context.usable))
    return prefs


def preferred_time_hold(prefs: Preferences, context: Any, at: datetime) -> str | None:
    """Why a reminder waits for the consumer's preferred time (None: send now). It waits only
    when that time is itself allowed by the hours, holidays and caps."""
    later = prefs.wait_until(at, context.zones[0])
    if later is None:
        return None
    allowed = forbidden_reason(
        later, context.zones, context.consumer.get("country", ""),
        context.consumer.get("subdivision", ""), context.rules,
        sent=context.reminders.values(),
    )  # fmt: skip
    if allowed is not None:
        return None  # the preferred time is not allowed: the rules' own time decides
    start, end = prefs.window or (time(), time())
    return (
        f"held: the consumer prefers {start:%H:%M}-{end:%H:%M}; next allowed at "
        f"{later.astimezone(UTC).isoformat()} ({later:%a %H:%M} local)"
    )


def hold_for_review(engine: Engine, case: dict[str, Any], worker_id: str, now: datetime) -> bool:
    """A consumer whose circumstances need a person: the case's first visit escalates it to a
    recovery executive and pauses it (True: the visit ends). A case resumed after that review
    goes on (False), as does every case of a consumer without such circumstances."""
    with engine.connect() as connection:
        row = connection.execute(
            select(recovery_circumstances.c.circumstances).where(
                recovery_circumstances.c.consumer_id == case["consumer_id"]
            )
        ).first()
        if row is None or not _needs_review(row.circumstances):
            return False
        asked = connection.execute(
            select(recovery_case_actions.c.id).where(
                recovery_case_actions.c.case_id == case["id"],
                recovery_case_actions.c.kind == "escalation",
                recovery_case_actions.c.text.startswith(REVIEW_PREFIX),
            )
        ).first()
    if asked is not None:
        return False  # reviewed: a person resumed the case after the escalation
    words = ", ".join(
        CIRCUMSTANCE_WORDS[Circumstance(c)].lower() for c in row.circumstances
        if Circumstance(c) in NEEDS_REVIEW
    )  # fmt: skip
    reason = f"{REVIEW_PREFIX} ({words}): review before any charge; remind gently"
    escalate_case(engine, case["id"], REVIEW_OWNER, reason, SERVICE_USER, now)
    with engine.begin() as connection:
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == case["id"])
            .values(status="paused", next_at=None, status_reason=reason)
        )
        release(connection, case["id"], worker_id)
    return True


def _needs_review(circumstances: list[str]) -> bool:
    known = {c.value for c in Circumstance}
    return any(c in known and Circumstance(c) in NEEDS_REVIEW for c in circumstances)
