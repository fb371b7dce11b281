"""Feed rows as SQLite parameters at bulk speed, for a first load: a million consumers leave
no time for a Python call per value. The server sends every reference row whole, shaped like
the counter's table, so a row's values are picked in one C call, and a batch is converted a
column at a time: ids are checked and stripped of their hyphens for the whole column at once,
other columns are converted once per distinct value (a million bills have a few hundred due
dates), integers sent as integers are left alone. A row that does not fit raises, and its batch
goes through the normal apply instead (sync.client.rows)."""

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect

from sync.client.rows import BadChange, convert

Convert = Callable[[Any], Any]


@dataclass(frozen=True)
class Fix:
    """How one column's JSON values become what SQLite stores."""

    one: Convert  # a value (None: the column's default) -> as stored; raises when it cannot
    kind: str  # "id", "int" or "other": picks the fast path for a whole column

    def column(self, values: Sequence[Any]) -> Sequence[Any]:
        kinds = set(map(type, values))
        if self.kind == "id" and kinds == {str}:
            ids = _canonical_ids(values)
            if ids is not None:
                return ids
        elif self.kind == "int" and kinds == {int}:
            return values
        elif kinds <= {str, type(None)}:  # strings hash apart from every other type
            once = {value: self.one(value) for value in set(values)}
            return list(map(once.__getitem__, values))
        return [self.one(value) for value in values]


@dataclass(frozen=True)
class Shape:
    """How one table's rows are read from change data."""

    names: tuple[str, ...]
    pick: Callable[[dict[str, Any]], Any]  # data -> the values in column order (KeyError: absent)
    fixes: tuple[tuple[int, Fix], ...]  # (position, conversion) for values not stored as sent

    def row(self, data: dict[str, Any]) -> tuple[Any, ...]:
        return self.rows([data])[0]

    def rows(self, datas: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """The batch's rows as SQLite parameters; BadChange when one does not fit."""
        try:
            picked = list(map(self.pick, datas))
        except KeyError as error:  # a column the server did not send: the normal apply decides
            raise BadChange(f"missing field {error}") from None
        except TypeError as error:  # data that is not an object
            raise BadChange(str(error)) from None
        if len(self.names) == 1:
            picked = [(value,) for value in picked]
        if not self.fixes or not picked:
            return picked
        columns: list[Sequence[Any]] = list(zip(*picked, strict=True))
        try:
            for position, fix in self.fixes:
                columns[position] = fix.column(columns[position])
        except (TypeError, ValueError) as error:
            raise BadChange(str(error)) from None
        return list(zip(*columns, strict=True))


_SHAPES: dict[tuple[str, str], Shape] = {}


def shape_of(table: Table, dialect: Dialect) -> Shape:
    key = (table.name, dialect.name)
    if key not in _SHAPES:
        names = tuple(c.name for c in table.columns)
        fixes = tuple(
            (position, fix)
            for position, column in enumerate(table.columns)
            if (fix := _fix(column, dialect)) is not None
        )
        _SHAPES[key] = Shape(names, itemgetter(*names), fixes)
    return _SHAPES[key]


def _fix(column: Any, dialect: Dialect) -> Fix | None:
    """None when SQLite stores the JSON value as it comes (text; None into a NOT NULL column
    fails the batch, as it must)."""
    column_type = column.type
    python_type = _python_type(column_type)
    bind = column_type.dialect_impl(dialect).bind_processor(dialect) or _same
    has_default = column.default is not None and column.default.is_scalar
    if python_type is str and not has_default:
        return None
    kind = "other"
    if python_type is uuid.UUID and bind(_PROBE_ID) == _PROBE_ID.hex:
        convert_one: Convert = _uuid_hex  # 32 hex digits: the common case, made cheap
        kind = "id"
    elif python_type is date and bind(_PROBE_DAY) == _PROBE_DAY.isoformat():
        convert_one = _iso_date
    elif python_type is datetime and bind(_PROBE_MOMENT) == _utc_text(_PROBE_MOMENT.isoformat()):
        convert_one = _utc_text
    elif python_type is int:
        convert_one = _integer
        kind = "int"
    elif python_type is str:
        convert_one = _text
    else:

        def convert_one(value: Any) -> Any:
            return bind(convert(value, python_type))

    missing = bind(column.default.arg) if has_default else None

    def one(value: Any) -> Any:
        return missing if value is None else convert_one(value)

    return Fix(one, kind)


_PROBE_ID = uuid.UUID(int=0x0123456789ABCDEF0123456789ABCDEF)
_PROBE_DAY = date(2001, 2, 3)
_PROBE_MOMENT = datetime(2001, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
_HEX = re.compile(r"[0-9a-f]{32}")
_HEX_LINES = re.compile(r"[0-9a-f\n]*")


def _python_type(kind: Any) -> type:
    impl = getattr(kind, "impl_instance", kind)
    try:
        return impl.python_type
    except NotImplementedError:
        return str


def _same(value: Any) -> Any:
    return value


def _canonical_ids(values: Sequence[str]) -> list[str] | None:
    """Every value's 32 lowercase hex digits when each is one id in the usual form (hyphens
    anywhere, as uuid.UUID reads them); None when any is not. Checked for the whole column in a
    few C calls: a value with a line break would split into more parts than there are values."""
    digits = "\n".join(values).replace("-", "")
    parts = digits.split("\n")
    if len(parts) == len(values) and set(map(len, parts)) == {32} and _HEX_LINES.fullmatch(digits):
        return parts
    return None


def _uuid_hex(value: Any) -> str:
    digits = str(value).replace("-", "").lower()
    if len(digits) == 32 and _HEX.fullmatch(digits):
        return digits
    return uuid.UUID(str(value)).hex  # braces, urn: forms - or a ValueError for the batch


def _iso_date(value: Any) -> str:
    return date.fromisoformat(str(value)[:10]).isoformat()


def _text(value: Any) -> str:
    return value if type(value) is str else str(value)


def _integer(value: Any) -> int:
    return value if type(value) is int else int(value)


def _utc_text(value: Any) -> str:
    """An ISO moment as SQLAlchemy stores a UTC datetime in SQLite (naive, microseconds)."""
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds")
