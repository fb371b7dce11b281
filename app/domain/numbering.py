"""Human-readable numbers (PAY-2025-T01-004521, R-T01-5001) from configurable formats.

A format is text with tokens: {YYYY} or {YY} (year), {TERM} (terminal code) and {SEQ:n}
(sequence zero-padded to n digits). With {TERM}, sequences are per terminal and the terminal
code keeps two counters' numbers apart. Without it (R-{SEQ}, the spec's continuous numbers) a
counter takes its numbers from blocks the central server leased to it, so only a counter
registered with a server may use such a format (app.services.number_blocks enforces that).
"""

import re
from dataclasses import dataclass
from datetime import date

from app.domain.errors import UserFacingError

SERIES = ("payment", "transaction", "receipt", "credit_note")

_TOKEN = re.compile(r"\{([A-Z]+)(?::(\d+))?\}")
_KNOWN = {"YYYY", "YY", "TERM", "SEQ"}


@dataclass(frozen=True)
class NumberFormat:
    pattern: str

    def __post_init__(self) -> None:
        tokens = [m.group(1) for m in _TOKEN.finditer(self.pattern)]
        unknown = sorted(set(tokens) - _KNOWN)
        if unknown:
            raise UserFacingError(
                f"Number format '{self.pattern}' has unknown token(s): "
                + ", ".join("{" + t + "}" for t in unknown)
                + ". Use {YYYY}, {YY}, {TERM} and {SEQ:n}."
            )
        if tokens.count("SEQ") != 1:
            raise UserFacingError(
                f"Number format '{self.pattern}' needs exactly one {{SEQ:n}} token."
            )
        if len(self.pattern) > 40:
            raise UserFacingError("A number format can be at most 40 characters long.")

    @property
    def uses_blocks(self) -> bool:
        """Without {TERM}, numbers are unique only because the server leases them in blocks."""
        return "{TERM}" not in self.pattern

    @property
    def resets_yearly(self) -> bool:
        """A format showing the year restarts its sequence every year."""
        return "{YYYY}" in self.pattern or "{YY}" in self.pattern

    def period(self, on: date) -> str:
        """The sequence bucket a number issued on this date belongs to."""
        return str(on.year) if self.resets_yearly else ""

    def render(self, *, sequence: int, terminal_code: str, on: date) -> str:
        if sequence < 1:
            raise ValueError("sequences start at 1")

        def token(match: re.Match[str]) -> str:
            name, width = match.group(1), match.group(2)
            if name == "YYYY":
                return f"{on.year:04d}"
            if name == "YY":
                return f"{on.year % 100:02d}"
            if name == "TERM":
                return terminal_code
            return str(sequence).zfill(int(width or 1))

        return _TOKEN.sub(token, self.pattern)


DEFAULT_FORMATS = {
    "payment": "PAY-{YYYY}-{TERM}-{SEQ:6}",
    "transaction": "TXN-{YYYY}-{TERM}-{SEQ:6}",
    "receipt": "R-{TERM}-{SEQ:4}",
    "credit_note": "CN-{TERM}-{SEQ:5}",
}


def require_term_when_standalone(pattern: str, *, registered: bool) -> None:
    """A counter with no central server has nobody to lease it numbers: its formats keep
    {TERM}, which is what keeps its numbers apart from every other counter's."""
    if not registered and NumberFormat(pattern).uses_blocks:
        raise UserFacingError(
            f"Number format '{pattern}' needs the {{TERM}} token on a counter that is not "
            "registered with a central server: without it, only blocks of numbers leased from "
            "the server keep two counters' numbers apart. Register the terminal first."
        )
