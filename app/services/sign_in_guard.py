"""Wrong PINs at this terminal: the lockout per user, the audit of every failure, burst alerts.

Runs inside the caller's unit of work. A refusal is committed before it is raised (the lockout
and the audit must survive the refusal), so callers check a PIN before they write anything.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db.tables import SignInLockout
from app.domain.errors import UserFacingError
from app.domain.lockout import (
    BURST_FAILURES,
    BURST_WINDOW,
    DEFAULT_POLICY,
    LockoutPolicy,
    SignInState,
    is_burst,
    locked_message,
)
from app.services.unit_of_work import UnitOfWork

BURST_ALERT = "sign_in_burst"  # the audit entity_id of every burst alert: indexed, cheap to list
ALERT_ACTION = "alert.sign_in_burst"


@dataclass(frozen=True)
class SignInAlert:
    at: datetime
    subject: str  # "user mbrown" or "terminal T01"
    failures: int
    message: str


def _key(username: str) -> str:
    return username.strip().casefold()[:40]


def _row(uow: UnitOfWork, username: str) -> SignInLockout | None:
    return uow.sign_ins.lockout(uow.terminal().id, _key(username))


def check_not_locked(uow: UnitOfWork, username: str) -> None:
    """Refuse, audited, while this user waits out a lockout here: even the right PIN, which is
    not even checked (so a guess made while locked tells nothing)."""
    row = _row(uow, username)
    state = SignInState(row.failures, row.locked_until) if row else SignInState()
    wait = state.wait(uow.now())
    if wait > timedelta(0):
        _audit_failure(uow, username, "locked", state.failures, wait, user_id=None)
        _note_for_bursts(uow, _key(username), uow.now())
        uow.commit()
        raise UserFacingError(locked_message(wait))


def record_failure(
    uow: UnitOfWork,
    username: str,
    reason: str,
    *,
    user_id: uuid.UUID | None,
    policy: LockoutPolicy = DEFAULT_POLICY,
) -> timedelta:
    """One more wrong PIN: count it, lock if due, audit it, alert on a burst; commit.

    Returns the wait now imposed (zero while free tries remain)."""
    now = uow.now()
    terminal = uow.terminal()
    key = _key(username)
    row = _row(uow, username)
    if row is None:
        row = SignInLockout(terminal_id=terminal.id, username=key, failures=0)
        uow.sign_ins.add_lockout(row)
    state = SignInState(row.failures, row.locked_until).failed(now, policy)
    row.failures, row.locked_until, row.last_failure_at = (
        state.failures,
        state.locked_until,
        now,
    )
    wait = state.wait(now)
    _audit_failure(uow, username, reason, state.failures, wait, user_id=user_id)
    _note_for_bursts(uow, key, now)
    uow.commit()
    return wait


def record_success(uow: UnitOfWork, username: str) -> None:
    """A right PIN resets the count (inside the caller's transaction)."""
    row = _row(uow, username)
    if row is not None:
        uow.sign_ins.clear_lockout(row)


def _audit_failure(
    uow: UnitOfWork,
    username: str,
    reason: str,
    failures: int,
    wait: timedelta,
    *,
    user_id: uuid.UUID | None,
) -> None:
    uow.audit(
        user_id=None,  # nobody signed in: who was claimed is in the event
        action="user.sign_in_failed",
        entity="sign_in",
        entity_id=_key(username),
        after={
            "username": _key(username),
            "user_id": str(user_id) if user_id else None,
            "reason": reason,
            "failures_in_a_row": failures,
            "locked_seconds": int(wait.total_seconds()),
        },
    )


def _note_for_bursts(uow: UnitOfWork, key: str, now: datetime) -> None:
    """Keep the window's failures; alert when one user's or this terminal's reach the mark."""
    terminal = uow.terminal()
    for_user, on_terminal = uow.sign_ins.note_failure(terminal.id, key, now, now - BURST_WINDOW)
    if is_burst(for_user):
        _alert(uow, f"user {key}", for_user)
    elif is_burst(on_terminal):
        _alert(uow, f"terminal {terminal.code}", on_terminal)


def _alert(uow: UnitOfWork, subject: str, failures: int) -> None:
    minutes = int(BURST_WINDOW.total_seconds() // 60)
    message = (
        f"{failures} wrong PINs for {subject} on terminal {uow.terminal().code} "
        f"within {minutes} minutes."
    )
    uow.audit(
        user_id=None,
        action=ALERT_ACTION,
        entity="alert",
        entity_id=BURST_ALERT,
        after={
            "kind": "alert",
            "alert": BURST_ALERT,
            "subject": subject,
            "failures": failures,
            "window_minutes": minutes,
            "message": message,
        },
    )


def recent_alerts(uow: UnitOfWork, *, within: timedelta = timedelta(hours=24)) -> list[SignInAlert]:
    """Burst alerts a supervisor should see, newest first."""
    with uow:
        since = uow.now() - within
        rows = uow.sign_ins.alerts(BURST_ALERT, ALERT_ACTION, limit=20)
        alerts = []
        for at, after_json in rows:
            if at < since:
                break
            after = json.loads(after_json or "{}")
            alerts.append(
                SignInAlert(
                    at,
                    after.get("subject", ""),
                    after.get("failures", BURST_FAILURES),
                    after.get("message", ""),
                )
            )
        return alerts
