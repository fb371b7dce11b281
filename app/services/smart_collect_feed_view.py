"""A Smart Collect view as it travels on the sync feed: `view_as_dict` on the server, and back
to the same frozen dataclasses on the counter. The reading is strict - a field of the wrong
kind raises - so a malformed view is quarantined when it is applied, never shown."""

import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from app.services.smart_collect import SmartCollectView

T = TypeVar("T")


class MalformedView(ValueError):
    """The feed's data does not make a Smart Collect view."""


def view_from_dict(data: dict[str, Any]) -> SmartCollectView:
    """The view from its JSON form; MalformedView says which field is wrong."""
    try:
        return _read(SmartCollectView, data, "view")
    except MalformedView:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise MalformedView(f"not a Smart Collect view: {error}") from None


def _read(kind: Any, value: Any, where: str) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        return _read(next(a for a in args if a is not type(None)), value, where)
    if origin in (list, tuple):
        if not isinstance(value, list | tuple):
            raise MalformedView(f"{where} is not a list")
        item = args[0] if args else Any
        read = [_read(item, v, f"{where}[{n}]") for n, v in enumerate(value)]
        return tuple(read) if origin is tuple else read
    if origin is dict or kind is Any:
        return value
    if isinstance(kind, type) and is_dataclass(kind):
        return _dataclass(kind, value, where)
    return _scalar(kind, value, where)


def _dataclass(kind: type[T], value: Any, where: str) -> T:
    if not isinstance(value, dict):
        raise MalformedView(f"{where} is not an object")
    hints = typing.get_type_hints(kind)
    given: dict[str, Any] = {}
    for field in fields(kind):  # type: ignore[arg-type]
        if field.name in value:
            given[field.name] = _read(hints[field.name], value[field.name],
                                      f"{where}.{field.name}")  # fmt: skip
        elif field.default is MISSING and field.default_factory is MISSING:
            raise MalformedView(f"{where} has no {field.name}")
    return kind(**given)


def _scalar(kind: Any, value: Any, where: str) -> Any:
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if kind is datetime:
        moment = datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            raise MalformedView(f"{where} is not a time with its zone")
        return moment
    if kind is date:
        return date.fromisoformat(str(value))
    if kind is bool:
        if not isinstance(value, bool):
            raise MalformedView(f"{where} is not true or false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise MalformedView(f"{where} is not a whole number")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MalformedView(f"{where} is not a number")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise MalformedView(f"{where} is not text")
        return value
    raise MalformedView(f"{where}: cannot read a {kind!r}")
