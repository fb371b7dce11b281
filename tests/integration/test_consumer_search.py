"""Consumer search on the sample counter: odd characters never reach SQLite as an error."""

import pytest

from app.db.database import Database
from app.services.consumers import search_consumers


@pytest.mark.parametrize("query", ["doe\x00", "\x00doe", "john\x00doe", "\tdoe\n"])
def test_control_characters_search_as_spaces(db: Database, query: str) -> None:
    hits = search_consumers(db.read(), query)

    assert "John Doe" in [hit.name for hit in hits]


def test_a_query_of_only_control_characters_finds_nothing(db: Database) -> None:
    assert search_consumers(db.read(), "\x00\x00") == []
