"""Whether a number (receipt, payment, credit note ...) is one a terminal's series issues:
the number format rendered for that terminal's code, any year, any sequence."""

import functools
import re

from app.domain.numbering import NumberFormat
from app.domain.record_rules import RecordInvalid

_TOKEN = re.compile(r"\{([A-Z]+)(?::(\d+))?\}")


def in_series(number: str, pattern: str, terminal_code: str) -> bool:
    """Whether `number` is one that `pattern` renders for this terminal (any year, any sequence)."""
    return _match(number, pattern, terminal_code) is not None


def period_and_sequence(number: str, pattern: str) -> tuple[str, int] | None:
    """The period (year, or "" for a format without one) and sequence a number was issued
    with, or None when `pattern` cannot render it. For a format without {TERM}: the server
    then checks the sequence lies in a block it leased to the pushing terminal."""
    found = _match(number, pattern, "")
    if found is None:
        return None
    year = found.group("YYYY") if "YYYY" in found.groupdict() else None
    if year is None and "YY" in found.groupdict():
        year = "20" + found.group("YY")  # a two-digit year is this century's
    return (year or "", int(found.group("SEQ")))


def _match(number: str, pattern: str, terminal_code: str) -> re.Match[str] | None:
    return _series_regex(pattern, terminal_code).fullmatch(number)


@functools.lru_cache(maxsize=256)  # a push checks 300,000 numbers against a handful of formats
def _series_regex(pattern: str, terminal_code: str) -> re.Pattern[str]:
    NumberFormat(pattern)  # refuses a broken format rather than matching nonsense
    parts, last, named = [], 0, set()
    for token in _TOKEN.finditer(pattern):
        parts.append(re.escape(pattern[last : token.start()]))
        name, width = token.group(1), int(token.group(2) or 1)
        body = {"YYYY": r"\d{4}", "YY": r"\d{2}", "TERM": re.escape(terminal_code)}.get(
            name, rf"\d{{{width},}}"
        )
        if name != "TERM" and name not in named:  # a year shown twice is captured once
            named.add(name)
            body = f"(?P<{name}>{body})"
        parts.append(body)
        last = token.end()
    parts.append(re.escape(pattern[last:]))
    return re.compile("".join(parts))


def check_in_series(what: str, number: str, pattern: str, terminal_code: str) -> None:
    if not in_series(number, pattern, terminal_code):
        raise RecordInvalid(
            f"{what} {number} is not in terminal {terminal_code}'s series ({pattern})"
        )
