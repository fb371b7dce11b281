"""A list as it is exported (CSV, XLSX, PDF): a title, what it is filtered by, typed columns."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

Cell = str | int | date | datetime | None
FORMATS = ("csv", "xlsx", "pdf")  # what a report is exported as


class ColumnKind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # integer minor units of the report's currency
    DATE = "date"
    MOMENT = "moment"  # a UTC datetime, shown in the report's time zone


@dataclass(frozen=True)
class Column:
    title: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True)
class TableReport:
    title: str
    filters: str  # what the list shows, in words ("Status: Posted · Method: Cash")
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    currency: str
    locale: str
    timezone: str
    generated_at: datetime

    @property
    def money_totals(self) -> dict[int, int]:
        """The sum of every money column, by column index."""
        return {
            index: sum(_minor(row[index]) for row in self.rows)
            for index, column in enumerate(self.columns)
            if column.kind is ColumnKind.MONEY
        }


def _minor(value: object) -> int:
    """A money cell as minor units; an empty cell counts as nothing."""
    return int(value) if isinstance(value, int | str) and value != "" else 0
