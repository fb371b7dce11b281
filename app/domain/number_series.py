"""Whether a number (receipt, payment, credit note ...) is one a terminal's series issues:
the number format rendered for that terminal's code, any year, any sequence."""

import re

from app.domain.numbering import NumberFormat
from app.domain.record_rules import RecordInvalid

_TOKEN = re.compile(r"\{([A-Z]+)(?::(\d+))?\}")


def in_series(number: str, pattern: str, terminal_code: str) -> bool:
    """Whether `number` is one that `pattern` renders for this terminal (any year, any sequence)."""
    NumberFormat(pattern)  # refuses a broken format rather than matching nonsense
    parts, last = [], 0
    for token in _TOKEN.finditer(pattern):
        parts.append(re.escape(pattern[last : token.start()]))
        name, width = token.group(1), int(token.group(2) or 1)
        parts.append(
            {"YYYY": r"\d{4}", "YY": r"\d{2}", "TERM": re.escape(terminal_code)}.get(
                name, rf"\d{{{width},}}"
            )
        )
        last = token.end()
    parts.append(re.escape(pattern[last:]))
    return re.fullmatch("".join(parts), number) is not None


def check_in_series(what: str, number: str, pattern: str, terminal_code: str) -> None:
    if not in_series(number, pattern, terminal_code):
        raise RecordInvalid(
            f"{what} {number} is not in terminal {terminal_code}'s series ({pattern})"
        )
