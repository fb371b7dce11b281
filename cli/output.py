"""How commands print: JSON for machines (money as decimal strings), aligned text for people."""

import json
import sys
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID


def money(minor: int | None, currency: str) -> str | None:
    from app.domain.money import decimal_text  # Babel: only for commands that show money

    return None if minor is None else decimal_text(minor, currency)


def plain(value: Any) -> Any:
    """Make a value JSON-ready: dataclasses to dicts, dates to ISO text, Decimal to text."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def emit_json(value: Any) -> None:
    json.dump(plain(value), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def emit_pairs(pairs: list[tuple[str, Any]]) -> None:
    width = max((len(label) for label, _ in pairs), default=0)
    for label, value in pairs:
        if value is None or value == "":
            continue
        print(f"{label.ljust(width)}  {value}")


def emit_table(
    headers: list[str], rows: list[list[str]], right: frozenset[int] = frozenset()
) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
