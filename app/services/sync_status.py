"""What the status bar, the Sync screen and `tilldesk sync status` show about sync (read-only),
and the clock rule record_payment applies: a badly wrong counter clock blocks payments."""

import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.domain.errors import UserFacingError
from app.services.number_blocks import low_numbers_warning
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SyncStatus:
    registered: bool
    server_url: str | None
    terminal_code: str | None
    online: bool
    offline_since: datetime | None
    pending_count: int
    oldest_pending_at: datetime | None
    last_sync_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    last_error_kind: str | None  # offline, refused, not_registered, crashed, quarantined
    quarantined_count: int
    parked_count: int
    flagged_count: int
    server_flag_count: int
    clock_skew_seconds: float | None
    clock_warning: bool
    clock_blocked: bool
    now: datetime
    numbers_warning: str | None = None  # leased numbers running low (formats without {TERM})

    @property
    def oldest_pending_age_seconds(self) -> float | None:
        if self.oldest_pending_at is None:
            return None
        return max(0.0, (self.now - self.oldest_pending_at).total_seconds())


@dataclass(frozen=True)
class SyncIssue:
    """One row of the Sync screen: a parked or flagged record, or a server flag."""

    key: str
    kind: str  # "parked", "flagged", "quarantined" or a server flag's kind, e.g. "overpayment"
    entity: str
    entity_id: str
    reference: str  # what a person recognises: a receipt or credit-note number
    reason: str
    at: datetime
    attempts: int

    @property
    def resolvable(self) -> bool:
        """A server flag a supervisor can resolve (the counter's own records are retried)."""
        return self.kind not in ("parked", "flagged", "quarantined")


def sync_status(uow: UnitOfWork) -> SyncStatus:
    with uow:
        state = uow.sync_state.state()
        issues = uow.sync_issues
        counts = issues.outbox_counts()
        _pending, oldest = uow.sync_state.pending_outbox()
        settings = uow.settings()
        skew = state.clock_skew_seconds if state else None
        return SyncStatus(
            registered=state is not None and state.server_url is not None,
            server_url=state.server_url if state else None,
            terminal_code=state.terminal_code if state else None,
            online=state is not None and state.last_sync_at is not None and not state.failures,
            offline_since=state.offline_since if state else None,
            pending_count=int(counts.get("pending", 0)),
            oldest_pending_at=oldest,
            last_sync_at=state.last_sync_at if state else None,
            last_error=state.last_error if state else None,
            last_error_at=state.last_error_at if state else None,
            last_error_kind=state.last_error_kind if state else None,
            quarantined_count=issues.quarantined_count(),
            parked_count=int(counts.get("parked", 0)),
            flagged_count=int(counts.get("flagged", 0)),
            server_flag_count=issues.open_flag_count(),
            clock_skew_seconds=skew,
            clock_warning=skew is not None and abs(skew) > settings.clock_skew_warn_seconds,
            clock_blocked=skew is not None and abs(skew) > settings.clock_skew_block_seconds,
            now=uow.now(),
            numbers_warning=low_numbers_warning(uow),
        )


def sync_issues(uow: UnitOfWork) -> list[SyncIssue]:
    """Parked and flagged outbox records, changes from the server this counter could not apply
    (quarantined), then the server's open flags; newest first in each."""
    with uow:
        held = uow.sync_issues
        issues = [
            SyncIssue(
                key=str(r.id),
                kind=r.state,
                entity=r.entity,
                entity_id=str(r.entity_id),
                reference=_reference(json.loads(r.payload_json)),
                reason=r.reason or r.last_error or "",
                at=r.created_at,
                attempts=r.attempts,
            )
            for r in held.held_records()
        ]
        for kept in held.quarantined():
            issues.append(
                SyncIssue(
                    key=f"{kept.entity}:{kept.key}",
                    kind="quarantined",
                    entity=kept.entity,
                    entity_id=kept.key,
                    reference=_reference(json.loads(kept.data_json or "{}")),
                    reason=kept.error,
                    at=kept.last_seen_at,
                    attempts=kept.retries + 1,
                )
            )
        for flag in held.open_flags():
            issues.append(
                SyncIssue(
                    key=flag.key,
                    kind=flag.kind,
                    entity=flag.entity or "",
                    entity_id=flag.entity_id or "",
                    reference=_reference(json.loads(flag.data_json)),
                    reason=flag.reason,
                    at=flag.flagged_at,
                    attempts=0,
                )
            )
        return issues


def refuse_when_clock_is_wrong(uow: UnitOfWork) -> None:
    """Numbers and business dates come from this clock: far off the server's, they would be
    wrong on every receipt, so payments wait until someone fixes it and syncs again."""
    skew = uow.sync_state.clock_skew_seconds()
    if skew is None:
        return
    limit = uow.settings().clock_skew_block_seconds
    if abs(skew) > limit:
        direction = "behind" if skew > 0 else "ahead of"
        raise UserFacingError(
            f"This counter's clock is {_duration(abs(skew))} {direction} the server's: payments "
            "are blocked until the clock is corrected. Fix the date and time, then sync again."
        )


def _reference(payload: dict[str, object]) -> str:
    keys = ("receipt_number", "number", "invoice_number", "reference", "payment_number")
    for key in keys:
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 60:
        return f"{int(seconds // 60)} minutes"
    return f"{int(seconds)} seconds"


def status_line(status: SyncStatus, zone: ZoneInfo) -> str:
    """One line for the status bar: "Online · 3 pending · oldest 4 min · synced 12:04", and
    what last went wrong and when, so it never reads as all well when it is not."""
    if not status.registered:
        parts = ["Not connected to a server"]
    elif status.online:
        parts = ["Online"]
    elif status.offline_since is not None and status.last_error_kind in (None, "offline"):
        parts = [f"Offline since {_clock(status.offline_since, zone)}"]
    elif status.last_error_at is not None:
        parts = [f"Sync failed at {_clock(status.last_error_at, zone)}"]
    else:
        parts = ["Not synced yet"]
    parts.append(f"{status.pending_count} pending")
    age = status.oldest_pending_age_seconds
    if age is not None:
        parts.append(f"oldest {_age(age)}")
    if status.last_sync_at is not None:
        parts.append(f"synced {_clock(status.last_sync_at, zone)}")
    if status.quarantined_count:
        parts.append(f"{status.quarantined_count} not applied")
    problems = status.parked_count + status.flagged_count + status.server_flag_count
    if problems:
        parts.append(f"{problems} to review")
    if status.clock_blocked:
        parts.append("clock wrong: payments blocked")
    elif status.clock_warning:
        parts.append("check the clock")
    if status.numbers_warning:
        parts.append(status.numbers_warning)
    if status.last_error:
        when = f" {_clock(status.last_error_at, zone)}" if status.last_error_at else ""
        parts.append(f"last error{when}: {_shorten(status.last_error)}")
    return " · ".join(parts)


def _shorten(text: str, limit: int = 90) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _age(seconds: float) -> str:
    if seconds < 60:
        return "under 1 min"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{int(seconds // 86400)} days"
