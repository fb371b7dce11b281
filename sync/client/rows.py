"""Turn a change's JSON `data` into a row for one of the counter's tables.

The server sends each reference row as the counter stores it (same column names); values
arrive as JSON text and are converted by the column's type. Missing optional columns take the
column default, so an older or newer server does not stop a counter from syncing.
"""

import uuid
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, TypeDecorator


class BadChange(ValueError):
    """A change the counter cannot store (a required column is missing or malformed)."""


def convert(value: Any, python_type: type) -> Any:
    if value is None:
        return None
    if python_type is uuid.UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if python_type is datetime:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if python_type is date:
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if python_type is bool:
        return bool(value)
    if python_type is int:
        return int(value)
    if python_type is float:
        return float(value)
    return value if isinstance(value, str) else str(value)


def _python_type(column: Any) -> type:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return str


def row_for(table: Table, data: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """Every column of `table`: from overrides, else data, else the column's default."""
    row: dict[str, Any] = {}
    for column in table.columns:
        name = column.name
        if name in overrides:
            value = overrides[name]
        elif data.get(name) is not None:
            try:
                value = convert(data[name], _python_type(column))
            except (TypeError, ValueError) as error:
                raise BadChange(f"{table.name}.{name}: {error}") from None
        elif column.default is not None and column.default.is_scalar:
            value = cast(Any, column.default).arg
        elif column.nullable:
            value = None
        else:
            raise BadChange(f"{table.name}: '{name}' is missing")
        row[name] = value
    return row


def row_for_value(column: Any, value: Any) -> Any:
    """One column's value from JSON, converted as row_for does."""
    try:
        return convert(value, _python_type(column))
    except (TypeError, ValueError) as error:
        raise BadChange(f"{column.table.name}.{column.name}: {error}") from None
