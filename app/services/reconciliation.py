"""Reconcile the bank with the counter: run the matching, then a billing manager decides."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.db.tables import BankStatementLine, ReconciliationMatch
from app.domain.changes import Area, Changes, areas
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.reconciliation import (
    LIVE_STATUSES,
    BankLine,
    CounterItem,
    MatchPass,
    MatchStatus,
    Proposal,
    match,
)
from app.services.actors import actor_for
from app.services.reconciliation_items import counter_items
from app.services.unit_of_work import UnitOfWork

CHANGES = areas(Area.RECONCILIATION)
MAX_WINDOW_DAYS = 31


class Decision(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"
    UNDO = "undo"


# decision -> (statuses it applies to, status it leaves)
_DECISIONS = {
    Decision.CONFIRM: ({MatchStatus.PROPOSED, MatchStatus.SUGGESTED}, MatchStatus.CONFIRMED),
    Decision.REJECT: ({MatchStatus.PROPOSED, MatchStatus.SUGGESTED}, MatchStatus.REJECTED),
    Decision.UNDO: ({MatchStatus.CONFIRMED, MatchStatus.REJECTED}, MatchStatus.UNDONE),
}


@dataclass(frozen=True)
class RunResult:
    window_days: int
    matched: int  # exact and window matches waiting for a decision, and confirmed ones
    suggested: int  # bank lines with suggestions only
    unmatched_lines: int
    unmatched_items: int
    changes: Changes = field(default=CHANGES)


@dataclass(frozen=True)
class DecidedMatch:
    number: int
    status: str
    changes: Changes = field(default=CHANGES)


def item_span(lines: list[BankStatementLine], window_days: int) -> tuple[date, date]:
    """The counter days whose deposits may show on these bank lines (suggestions look three
    windows away, so items that far are gathered too)."""
    reach = timedelta(days=3 * window_days)
    return (min(ln.booked_on for ln in lines) - reach, max(ln.booked_on for ln in lines) + reach)


def listed_span(lines: list[BankStatementLine], window_days: int) -> tuple[date, date]:
    """The counter days whose unmatched deposits are worth listing: from a window before the
    first bank line to the last one (what the counter took later cannot be at the bank yet)."""
    first = min(ln.booked_on for ln in lines)
    return first - timedelta(days=window_days), max(ln.booked_on for ln in lines)


def bank_lines(lines: list[BankStatementLine]) -> list[BankLine]:
    return [
        BankLine(str(ln.id), ln.booked_on, ln.amount_minor, ln.reference, ln.description)
        for ln in lines
    ]


def run_reconciliation(
    uow: UnitOfWork, *, username: str | None, window_days: int | None = None
) -> RunResult:
    """Propose matches for what is not decided yet. Proposals already waiting and every
    decision stay as they are, so match numbers a person noted keep their meaning."""
    with uow:
        actor = actor_for(uow, username, "reconcile")
        window = uow.settings().reconciliation_window_days if window_days is None else window_days
        if not 0 <= window <= MAX_WINDOW_DAYS:
            raise UserFacingError(f"The date window must be 0 to {MAX_WINDOW_DAYS} days.")
        repo = uow.reconciliation
        lines = list(repo.lines())
        if not lines:
            raise UserFacingError("Import a bank statement first: there are no bank lines.")
        items = {i.key: i for i in counter_items(uow, *item_span(lines, window))}
        live = repo.matches(LIVE_STATUSES)
        rejected = {(str(m.line_id), m.item_key) for m in repo.matches({MatchStatus.REJECTED})}
        proposals = match(
            bank_lines(lines),
            list(items.values()),
            window_days=window,
            taken_lines={str(m.line_id) for m in live},
            taken_items={m.item_key for m in live},
            rejected=rejected,
        )
        waiting = {(str(m.line_id), m.item_key): m for m in repo.matches({MatchStatus.SUGGESTED})}
        by_line = {str(ln.id): ln for ln in lines}
        number = repo.next_match_number()
        for proposal in proposals:
            held = waiting.pop((proposal.line_key, proposal.item_key), None)
            auto = proposal.match_pass is not MatchPass.SUGGESTED
            if held is not None and not auto:
                held.rank = proposal.rank
                continue
            if held is not None:
                repo.remove_match(held)  # a suggestion that is now a match
            repo.add_match(
                _match_row(
                    number,
                    by_line[proposal.line_key],
                    items[proposal.item_key],
                    proposal,
                    uow.now(),
                )
            )
            number += 1
        for stale in waiting.values():  # no longer worth a look (its line or item was taken)
            repo.remove_match(stale)
        result = _summary(uow, lines, items, window)
        uow.audit(
            user_id=actor.user_id,
            action="reconciliation.run",
            entity="reconciliation",
            entity_id="bank",
            after={
                "window_days": window,
                "matched": result.matched,
                "suggested": result.suggested,
                "unmatched_lines": result.unmatched_lines,
                "unmatched_items": result.unmatched_items,
            },
        )
        uow.commit()
        return result


def _match_row(
    number: int, line: BankStatementLine, item: CounterItem, proposal: Proposal, now: datetime
) -> ReconciliationMatch:
    match_pass = proposal.match_pass
    return ReconciliationMatch(
        id=new_id(),
        number=number,
        line_id=line.id,
        item_kind=item.kind.value,
        item_key=item.key,
        item_label=item.label[:200],
        item_on=item.on,
        item_amount_minor=item.amount_minor,
        match_pass=match_pass.value,
        rank=proposal.rank,
        status=(
            MatchStatus.SUGGESTED if match_pass is MatchPass.SUGGESTED else MatchStatus.PROPOSED
        ).value,
        created_at=now,
    )


def _summary(
    uow: UnitOfWork, lines: list[BankStatementLine], items: dict[str, CounterItem], window: int
) -> RunResult:
    matches = uow.reconciliation.matches()
    live_lines = {m.line_id for m in matches if m.status in LIVE_STATUSES}
    live_items = {m.item_key for m in matches if m.status in LIVE_STATUSES}
    suggested_lines = {m.line_id for m in matches if m.status == MatchStatus.SUGGESTED}
    credits = [ln for ln in lines if ln.amount_minor > 0]
    low, high = listed_span(lines, window)
    return RunResult(
        window_days=window,
        matched=len(live_lines),
        suggested=len(suggested_lines - live_lines),
        unmatched_lines=sum(1 for ln in credits if ln.id not in live_lines),
        unmatched_items=sum(
            1 for key, i in items.items() if key not in live_items and low <= i.on <= high
        ),
    )


def decide_match(
    uow: UnitOfWork, number: int, decision: Decision, *, username: str | None
) -> DecidedMatch:
    """Confirm, reject or undo one match; audited with the state before and after."""
    with uow:
        actor = actor_for(uow, username, "reconcile")
        repo = uow.reconciliation
        row = repo.match_by_number(number)
        allowed, leaves = _DECISIONS[decision]
        if row.status not in allowed:
            raise UserFacingError(
                f"Match {number} is {row.status}: it cannot be {_past(decision)}."
            )
        if decision is Decision.CONFIRM:
            _check_free(uow, row)
        before = {"status": row.status}
        row.status = leaves.value
        row.decided_at = uow.now()
        row.decided_by = actor.user_id
        repo.save(row)
        if decision is Decision.CONFIRM:
            # The other suggestions for this line or this item are answered by it.
            for other in repo.matches({MatchStatus.SUGGESTED}):
                if other.line_id == row.line_id or other.item_key == row.item_key:
                    repo.remove_match(other)
        uow.audit(
            user_id=actor.user_id,
            action=f"reconciliation_match.{_past(decision)}",
            entity="reconciliation_match",
            entity_id=row.id,
            before=before,
            after={
                "status": row.status,
                "number": row.number,
                "line_id": str(row.line_id),
                "item_key": row.item_key,
                "amount_minor": row.item_amount_minor,
            },
        )
        uow.commit()
        return DecidedMatch(row.number, row.status)


def _check_free(uow: UnitOfWork, row: ReconciliationMatch) -> None:
    for other in uow.reconciliation.matches(LIVE_STATUSES):
        if other.id == row.id:
            continue
        if other.line_id == row.line_id:
            raise UserFacingError(
                f"That bank line is already in match {other.number}: reject or undo it first."
            )
        if other.item_key == row.item_key:
            raise UserFacingError(
                f"That counter item is already in match {other.number}: reject or undo it first."
            )


def _past(decision: Decision) -> str:
    return {"confirm": "confirmed", "reject": "rejected", "undo": "undone"}[decision.value]
