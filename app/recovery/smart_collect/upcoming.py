"""Upcoming collections (open cases, installments, autopay debits) placed in their windows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.recovery.smart_collect.income import IncomePattern
from app.recovery.smart_collect.probability import (
    Band,
    Calibration,
    forecast,
    predicted_balance,
)
from app.recovery.smart_collect.window import CollectionWindow, next_window, window_for


@dataclass(frozen=True)
class Scheduled:
    collection_id: str  # the recovery case's id
    kind: str  # case | installment | autopay
    amount_minor: int
    currency: str
    scheduled: date  # when the engine will try next (or the due date)


@dataclass(frozen=True)
class UpcomingCollection:
    collection_id: str
    kind: str
    amount_minor: int
    currency: str
    scheduled_date: date
    window: CollectionWindow | None  # its cycle's window if it falls in it, else the suggested one
    in_window: bool
    suggested_date: date | None  # the next window's start when it is not in one
    current_balance_minor: int | None
    predicted_balance_minor: int | None
    collection_probability: float
    status: Band
    basis: str
    raw_probability: float  # before calibration


def place_upcoming(
    items: Sequence[Scheduled],
    income: IncomePattern,
    *,
    today: date,
    rate: float,
    calibration: Calibration | None = None,
    floor_minor: int = 0,
) -> list[UpcomingCollection]:
    """Each collection with its window, balances, probability and band, soonest first."""
    current = predicted_balance(income, today, floor_minor)
    upcoming = next_window(income, today)
    placed = []
    for item in sorted(items, key=lambda i: (i.scheduled, i.collection_id)):
        day = max(item.scheduled, today)
        window = window_for(income, day)
        inside = window is not None and window.contains(day)
        predicted = predicted_balance(income, day, floor_minor)
        chance = forecast(
            amount_minor=item.amount_minor,
            current_minor=current,
            predicted_minor=predicted,
            rate=rate,
            consistency=income.consistency,
            calibration=calibration,
        )
        placed.append(
            UpcomingCollection(
                collection_id=item.collection_id,
                kind=item.kind,
                amount_minor=item.amount_minor,
                currency=item.currency,
                scheduled_date=day,
                # Outside its cycle's window (often already over) the window shown is the one
                # suggested: the screen's "Optimal window" and "Suggested" must agree.
                window=window if inside or upcoming is None else upcoming,
                in_window=inside,
                suggested_date=None if inside or upcoming is None else upcoming.start,
                current_balance_minor=current,
                predicted_balance_minor=predicted,
                collection_probability=chance.probability,
                status=chance.band,
                basis=chance.basis,
                raw_probability=chance.raw,
            )
        )
    return placed
