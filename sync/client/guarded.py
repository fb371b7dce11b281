"""Apply pulled changes so that one bad record never blocks the feed: the whole batch in one
SAVEPOINT (the fast path), and only when that fails, each change in its own SAVEPOINT so the
ones the database refuses (a CHECK, foreign key or unique constraint) are set aside with the
reason and the rest still apply."""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError, StatementError
from sqlalchemy.orm import Session

from app.domain.record_rules import RecordInvalid, check_credit_note, check_payment
from sync.client.rows import BadChange
from sync.protocol import Change

log = logging.getLogger(__name__)

# What a malformed change raises while it is turned into rows: its own fault, never the page's.
MALFORMED: tuple[type[Exception], ...] = (BadChange, KeyError, TypeError, ValueError, RecordInvalid)

Unit = TypeVar("Unit")


@dataclass(frozen=True)
class Failure:
    """A change that could not be applied, and why (in words a supervisor can pass on)."""

    change: Change
    error: str


def describe(error: BaseException) -> str:
    """The database's own words ('CHECK constraint failed: ck_payments_cash_balances'), without
    the SQL statement and parameters SQLAlchemy appends."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        return f"{type(error.orig).__name__}: {error.orig}"
    if isinstance(error, StatementError) and error.orig is not None:
        return f"{type(error.orig).__name__}: {error.orig}"
    if isinstance(error, RecordInvalid):
        return f"RecordInvalid: {error.reason}"
    if isinstance(error, KeyError):
        return f"missing field {error}"
    return f"{type(error).__name__}: {error}"


@dataclass(frozen=True)
class World:
    """What the shared record rules need to know: the deployment's currency, and the moment
    to judge dates by (the server's clock, which stamped the page)."""

    currency: str
    now: datetime


def check_rules(entity: str, data: Mapping[str, Any], world: World) -> None:
    """The same domain rules the server applies to what counters push (app.domain.record_rules);
    raises RecordInvalid with the reason."""
    if entity == "payment":
        check_payment(data, currency=world.currency, now=world.now)
    elif entity == "credit_note":
        check_credit_note(data, currency=world.currency, now=world.now)


def _refused(error: Exception) -> bool:
    """A refusal of this data (quarantine it), not a failing disk or a lock (fail the sync)."""
    if isinstance(error, OperationalError):
        return False
    return isinstance(error, StatementError | ValueError | TypeError | KeyError)


def guarded(
    session: Session,
    units: Sequence[Unit],
    apply: Callable[[Sequence[Unit]], Any],
    change_of: Callable[[Unit], Change],
) -> list[Failure]:
    """Run `apply(units)` in a savepoint; if the database refuses it, run it unit by unit and
    return the units it still refuses (everything else is applied)."""
    if not units:
        return []
    try:
        with session.begin_nested():
            apply(units)
        return []
    except Exception as error:
        if not _refused(error):
            raise
        log.info("a batch of %s changes failed (%s); applying one by one", len(units), error)
    failures = []
    for unit in units:
        try:
            with session.begin_nested():
                apply([unit])
        except Exception as error:
            if not _refused(error):
                raise
            change = change_of(unit)
            log.warning("%s %s quarantined: %s", change.entity, change.key, describe(error))
            failures.append(Failure(change, describe(error)))
    return failures
