"""Consumer search: trigram FTS5 for two or more characters, an index prefix scan for one.

FTS5's trigram index cannot look up fewer than three characters, so a two-character query is
asked as the trigrams that contain it ("oe" -> "oe?" or "?oe" for every likely third character):
still an index look-up, so "oe" finds "John Doe" among a million consumers in milliseconds. A
single character matches the start of a name or account number only."""

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


# Third characters tried around a two-character query: what names, account numbers and phone
# digits are made of. A letter outside it (an accented one) is found once three are typed.
_NEIGHBOURS = "abcdefghijklmnopqrstuvwxyz0123456789 -.'&,/"


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
    batches = []
    if len(q) >= 3:
        terms = [fts_phrase(q)]
        digits = _digits(q)
        if digits.isdigit() and len(digits) >= 3 and digits != q:
            terms.append("phone_digits : " + fts_phrase(digits))
        batches.append(session.execute(_FTS, {"match": " OR ".join(terms), "limit": limit}))
    else:
        # Names that start with the query first: they are what a cashier most likely means.
        batches.append(session.execute(_PREFIX, {"prefix": _like_escape(q) + "%", "limit": limit}))
        if len(q) == 2:
            batches.append(session.execute(_FTS, {"match": _around(q), "limit": limit}))
    for rows in batches:
        for row in rows:
            found.setdefault(row.id, row)
            if len(found) >= limit:
                return list(found.values())
    return list(found.values())[:limit]


def _around(pair: str) -> str:
    """An FTS5 query for every trigram that holds the two characters."""
    pair = pair.casefold()
    neighbours = dict.fromkeys(_NEIGHBOURS + pair)
    trigrams = [pair + ch for ch in neighbours] + [ch + pair for ch in neighbours]
    return " OR ".join(fts_phrase(trigram) for trigram in trigrams)


def search_like(session: Session, query: str, limit: int) -> list[Row]:
    """The plain LIKE scan the FTS index replaces; kept for the benchmark's ratio."""
    pattern = "%" + _like_escape(" ".join(query.split())) + "%"
    return list(session.execute(_LIKE_SCAN, {"pattern": pattern, "limit": limit}))
