"""Printable documents to JSON and back, so a queued job prints exactly what was decided."""

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any

from app.domain.documents import (
    CreditNoteDocument,
    PrintDocument,
    ReceiptDocument,
    ShiftReportDocument,
)

DOCUMENT_TYPES: dict[str, type[PrintDocument]] = {
    cls.__name__: cls
    for cls in (PrintDocument, ReceiptDocument, CreditNoteDocument, ShiftReportDocument)
}


def document_to_json(doc: PrintDocument) -> str:
    name = type(doc).__name__
    if name not in DOCUMENT_TYPES:
        raise TypeError(f"{name} is not a printable document type")
    return json.dumps({"type": name, "document": _encode(doc)}, ensure_ascii=False)


def document_from_json(text: str) -> PrintDocument:
    stored = json.loads(text)
    cls = DOCUMENT_TYPES[stored["type"]]
    return typing.cast(PrintDocument, _decode(cls, stored["document"]))


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(inner, value)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_decode(item, v) for v in value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        cls: Any = hint  # a dataclass type: called with its fields
        hints = _hints(cls)
        known = {f.name for f in dataclasses.fields(cls) if f.init}
        return cls(**{k: _decode(hints[k], v) for k, v in value.items() if k in known})
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    return value
