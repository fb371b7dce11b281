"""Consumer search: trigram FTS5 for three or more characters, an index prefix scan below."""

import re

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

_COLUMNS = "c.id, c.account_number, c.name, c.service_address, c.phone, c.email, c.status"

_EXACT = text(f"SELECT {_COLUMNS} FROM consumers c WHERE c.account_number = :q")
_FTS = text(
    f"SELECT {_COLUMNS} FROM consumers_fts f JOIN consumers c ON c.rowid = f.rowid "
    "WHERE consumers_fts MATCH :match LIMIT :limit"
)
_PREFIX = text(
    f"SELECT {_COLUMNS} FROM consumers c WHERE c.name LIKE :prefix ESCAPE '\\' "
    "OR c.account_number LIKE :prefix ESCAPE '\\' ORDER BY c.name LIMIT :limit"
)
_LIKE_SCAN = text(
    f"SELECT {_COLUMNS} FROM consumers c WHERE c.name LIKE :pattern ESCAPE '\\' "
    "OR c.account_number LIKE :pattern ESCAPE '\\' OR c.phone LIKE :pattern ESCAPE '\\' "
    "LIMIT :limit"
)


def fts_phrase(query: str) -> str:
    """Quote user text as one FTS5 phrase so no character is read as query syntax."""
    return '"' + query.replace('"', '""') + '"'


def _like_escape(query: str) -> str:
    return query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _digits(query: str) -> str:
    return re.sub(r"[()\-\s+.]", "", query)


def search(session: Session, query: str, limit: int) -> list[Row]:
    """Exact account first, then partial matches on name, account or phone."""
    q = " ".join(query.split())
    found: dict[object, Row] = {}
    for row in session.execute(_EXACT, {"q": q}):
        found[row.id] = row
    if len(q) >= 3:
        terms = [fts_phrase(q)]
        digits = _digits(q)
        if digits.isdigit() and len(digits) >= 3 and digits != q:
            terms.append("phone_digits : " + fts_phrase(digits))
        match = " OR ".join(terms)
        rows = session.execute(_FTS, {"match": match, "limit": limit})
    else:
        rows = session.execute(_PREFIX, {"prefix": _like_escape(q) + "%", "limit": limit})
    for row in rows:
        found.setdefault(row.id, row)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]


def search_like(session: Session, query: str, limit: int) -> list[Row]:
    """The plain LIKE scan the FTS index replaces; kept for the benchmark's ratio."""
    pattern = "%" + _like_escape(" ".join(query.split())) + "%"
    return list(session.execute(_LIKE_SCAN, {"pattern": pattern, "limit": limit}))
