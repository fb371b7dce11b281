"""What the reconciliation screen and `tilldesk reconcile list` show: both sides and the pairs."""

from dataclasses import dataclass
from datetime import date

from app.domain.reconciliation import LIVE_STATUSES, MatchStatus
from app.services.actors import actor_for
from app.services.reconciliation import item_span, listed_span
from app.services.reconciliation_items import PaymentException, counter_items, payment_exceptions
from app.services.unit_of_work import UnitOfWork

SHOWN_STATUSES = (MatchStatus.PROPOSED, MatchStatus.SUGGESTED, MatchStatus.CONFIRMED)


@dataclass(frozen=True)
class BankLineView:
    line_id: str
    booked_on: date
    amount_minor: int
    reference: str
    description: str
    state: str  # confirmed, proposed, suggested, unmatched, debit


@dataclass(frozen=True)
class CounterItemView:
    key: str
    kind: str
    on: date
    amount_minor: int
    label: str
    state: str  # confirmed, proposed, unmatched
    listed: bool  # in the statement's span: unmatched, it is worth a look


@dataclass(frozen=True)
class MatchView:
    number: int
    status: str
    match_pass: str
    rank: int
    booked_on: date
    bank_amount_minor: int
    bank_text: str
    item_label: str
    item_on: date
    item_amount_minor: int
    decided_by: str


@dataclass(frozen=True)
class ReconciliationView:
    currency: str
    locale: str
    lines: tuple[BankLineView, ...]
    items: tuple[CounterItemView, ...]
    matches: tuple[MatchView, ...]
    exceptions: tuple[PaymentException, ...]

    @property
    def unmatched_lines(self) -> tuple[BankLineView, ...]:
        return tuple(ln for ln in self.lines if ln.state in ("unmatched", "suggested"))

    @property
    def unmatched_items(self) -> tuple[CounterItemView, ...]:
        return tuple(i for i in self.items if i.state == "unmatched" and i.listed)


def reconciliation_view(uow: UnitOfWork, *, username: str | None) -> ReconciliationView:
    with uow:
        actor_for(uow, username, "reconcile")
        settings = uow.settings()
        repo = uow.reconciliation
        lines = list(repo.lines())
        matches = [m for m in repo.matches(SHOWN_STATUSES)]
        line_state: dict[str, str] = {}
        item_state: dict[str, str] = {}
        for m in matches:
            if m.status in LIVE_STATUSES:
                line_state[str(m.line_id)] = m.status
                item_state[m.item_key] = m.status
            else:
                line_state.setdefault(str(m.line_id), m.status)
        items = (
            counter_items(uow, *item_span(lines, settings.reconciliation_window_days))
            if lines
            else []
        )
        by_id = {str(ln.id): ln for ln in lines}
        low, high = (
            listed_span(lines, settings.reconciliation_window_days)
            if lines
            else (date.min, date.max)
        )
        return ReconciliationView(
            currency=settings.currency,
            locale=settings.locale,
            lines=tuple(
                BankLineView(
                    str(ln.id),
                    ln.booked_on,
                    ln.amount_minor,
                    ln.reference,
                    ln.description,
                    "debit" if ln.amount_minor < 0 else line_state.get(str(ln.id), "unmatched"),
                )
                for ln in lines
            ),
            items=tuple(
                CounterItemView(
                    i.key,
                    i.kind.value,
                    i.on,
                    i.amount_minor,
                    i.label,
                    item_state.get(i.key, "unmatched"),
                    low <= i.on <= high,
                )
                for i in items
            ),
            matches=tuple(
                MatchView(
                    m.number,
                    m.status,
                    m.match_pass,
                    m.rank,
                    by_id[str(m.line_id)].booked_on,
                    by_id[str(m.line_id)].amount_minor,
                    _bank_text(by_id[str(m.line_id)].reference, by_id[str(m.line_id)].description),
                    m.item_label,
                    m.item_on,
                    m.item_amount_minor,
                    repo.user_name(m.decided_by),
                )
                for m in matches
            ),
            exceptions=tuple(payment_exceptions(uow)),
        )


def _bank_text(reference: str, description: str) -> str:
    return " · ".join(part for part in (reference, description) if part)
