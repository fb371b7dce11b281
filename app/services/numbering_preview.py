"""The next number a series will issue on this counter, shown before it is taken."""

from sqlalchemy import select

from app.db.tables import NumberSequence
from app.db.unit_of_work import UnitOfWork
from app.domain.errors import UserFacingError
from app.domain.numbering import SERIES, NumberFormat


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
        last = uow.session.scalar(
            select(NumberSequence.last_value).where(
                NumberSequence.terminal_id == terminal.id,
                NumberSequence.series == series,
                NumberSequence.period == fmt.period(today),
            )
        )
        return fmt.render(sequence=(last or 0) + 1, terminal_code=terminal.code, on=today)
