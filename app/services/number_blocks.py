"""Numbers leased from the central server for formats without {TERM} (R-{SEQ}): what is left,
which series need a new block, storing a leased block, and the warning when a block runs low.

A counter takes such numbers only from its blocks (app.db.sequences.next_leased_value); the
sync client refills at every sync a series with fewer numbers left than the low-water mark.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from app.db.tables import NumberBlock
from app.domain.numbering import SERIES, require_term_when_standalone
from app.domain.settings import Settings
from app.services.unit_of_work import UnitOfWork

LOW_WATER_FRACTION = 5  # low when fewer than a fifth of the last block is left


@dataclass(frozen=True)
class LeasedNumbers:
    """One series without {TERM}: how many numbers this counter holds for `period`."""

    series: str
    period: str
    remaining: int
    low_water: int

    @property
    def low(self) -> bool:
        return self.remaining < self.low_water

    @property
    def words(self) -> str:
        return self.series.replace("_", " ")


def counter_registered(uow: UnitOfWork) -> bool:
    """Registered with a central server: only then can formats without {TERM} be used."""
    return uow.sync_state.registered()


def require_formats_allowed(uow: UnitOfWork, settings: Settings) -> None:
    """Refuse a format without {TERM} on a standalone counter (UserFacingError)."""
    registered: bool | None = None
    for series in SERIES:
        pattern = settings.number_formats[series]
        if settings.number_format(series).uses_blocks:
            if registered is None:
                registered = counter_registered(uow)
            require_term_when_standalone(pattern, registered=registered)


def leased_numbers(uow: UnitOfWork, on: date | None = None) -> list[LeasedNumbers]:
    """Every series whose format has no {TERM}, with what is left for the current period."""
    settings = uow.settings()
    today = on or uow.today()
    found = []
    for series in SERIES:
        fmt = settings.number_format(series)
        if not fmt.uses_blocks:
            continue
        period = fmt.period(today)
        remaining = uow.numbering.leased_remaining(series, period)
        last_size = uow.numbering.last_block_size(series, period)
        low_water = max(1, (last_size or 0) // LOW_WATER_FRACTION)
        found.append(LeasedNumbers(series, period, remaining, low_water))
    return found


def blocks_to_lease(uow: UnitOfWork) -> list[tuple[str, str]]:
    """(series, period) pairs under their low-water mark: the sync leases one more. In
    December a yearly series also gets next year's first block, so a counter offline on New
    Year's Day still has numbers."""
    with uow:
        today = uow.today()
        wanted = [(n.series, n.period) for n in leased_numbers(uow, today) if n.low]
        if today.month == 12:
            next_year = date(today.year + 1, 1, 1)
            yearly = {s for s in SERIES if uow.settings().number_format(s).resets_yearly}
            wanted += [
                (n.series, n.period)
                for n in leased_numbers(uow, next_year)
                if n.low and n.series in yearly
            ]
        return wanted


def store_block(
    uow: UnitOfWork, *, request_id: uuid.UUID, series: str, period: str, first: int, last: int
) -> None:
    """Keep a block the server leased (once: the same answer twice changes nothing)."""
    with uow:
        if uow.numbering.block(request_id) is None:
            uow.numbering.add_block(
                NumberBlock(
                    id=request_id,
                    series=series,
                    period=period,
                    first_value=first,
                    last_value=last,
                    next_value=first,
                    leased_at=uow.now(),
                )
            )
            uow.audit(
                user_id=None,
                action="number_block.leased",
                entity="number_block",
                entity_id=request_id,
                after={"series": series, "period": period, "first": first, "last": last},
            )
        uow.commit()


def low_numbers_warning(uow: UnitOfWork) -> str | None:
    """What the status bar, `sync status` and the numbering settings say when a series' leased
    numbers run low (None when all is well or no format needs blocks)."""
    with uow:
        low = [n for n in leased_numbers(uow) if n.low]
    if not low:
        return None
    parts = [f"{n.remaining} {n.words} number{'' if n.remaining == 1 else 's'}" for n in low]
    if all(n.remaining == 0 for n in low):
        return (
            f"No numbers left ({', '.join(n.words for n in low)}): what needs them is refused "
            "until this counter syncs with the server to get more numbers."
        )
    return f"Numbers running low: {', '.join(parts)} left. Sync with the server to get more."


@dataclass(frozen=True)
class NumberingStatus:
    """What Settings > Numbering needs beside the formats."""

    registered: bool
    warning: str | None


def numbering_status(uow: UnitOfWork) -> NumberingStatus:
    with uow:
        registered = counter_registered(uow)
    return NumberingStatus(registered, low_numbers_warning(uow))
