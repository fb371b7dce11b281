"""The next number a series will issue on this counter, shown before it is taken."""

from datetime import date

from sqlalchemy import select

from app.db.tables import NumberBlock, NumberSequence
from app.db.unit_of_work import UnitOfWork
from app.domain.errors import UserFacingError
from app.domain.numbering import SERIES, NumberFormat, require_term_when_standalone
from app.services.number_blocks import counter_registered


def next_number_preview(uow: UnitOfWork, series: str, pattern: str | None = None) -> str:
    """Render the next number without consuming it (a preview, not a reservation).

    With `pattern`, the number an edited format would issue next: the settings screen's
    live preview. Another write on this counter may take the number first.
    """
    if series not in SERIES:
        raise UserFacingError(f"Unknown number series '{series}'. Use one of: {', '.join(SERIES)}.")
    with uow:
        fmt = NumberFormat(pattern) if pattern is not None else uow.settings().number_format(series)
        terminal = uow.terminal()
        today = uow.today()
        if fmt.uses_blocks:
            return _next_leased(uow, series, fmt, terminal.code, today)
        last = uow.session.scalar(
            select(NumberSequence.last_value).where(
                NumberSequence.terminal_id == terminal.id,
                NumberSequence.series == series,
                NumberSequence.period == fmt.period(today),
            )
        )
        return fmt.render(sequence=(last or 0) + 1, terminal_code=terminal.code, on=today)


def _next_leased(
    uow: UnitOfWork, series: str, fmt: NumberFormat, terminal_code: str, today: date
) -> str:
    """A format without {TERM}: the next number of the blocks the server leased this counter."""
    require_term_when_standalone(fmt.pattern, registered=counter_registered(uow))
    value = uow.session.scalar(
        select(NumberBlock.next_value)
        .where(
            NumberBlock.series == series,
            NumberBlock.period == fmt.period(today),
            NumberBlock.next_value <= NumberBlock.last_value,
        )
        .order_by(NumberBlock.first_value)
        .limit(1)
    )
    if value is None:
        return "none left - sync with the server to get more numbers"
    return fmt.render(sequence=value, terminal_code=terminal_code, on=today)
