"""The next number a series will issue on this counter, shown before it is taken."""

from datetime import date

from app.domain.errors import UserFacingError
from app.domain.numbering import SERIES, NumberFormat, require_term_when_standalone
from app.services.number_blocks import counter_registered
from app.services.unit_of_work import UnitOfWork


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
        last = uow.numbering.last_value(terminal.id, series, fmt.period(today))
        return fmt.render(sequence=last + 1, terminal_code=terminal.code, on=today)


def _next_leased(
    uow: UnitOfWork, series: str, fmt: NumberFormat, terminal_code: str, today: date
) -> str:
    """A format without {TERM}: the next number of the blocks the server leased this counter."""
    require_term_when_standalone(fmt.pattern, registered=counter_registered(uow))
    value = uow.numbering.next_leased(series, fmt.period(today))
    if value is None:
        return "none left - sync with the server to get more numbers"
    return fmt.render(sequence=value, terminal_code=terminal_code, on=today)
