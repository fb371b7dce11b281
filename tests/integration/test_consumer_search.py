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


@pytest.mark.parametrize("query", ["oe", "OE", "hn"])
def test_two_characters_match_inside_a_name(db: Database, query: str) -> None:
    hits = search_consumers(db.read(), query)

    assert "John Doe" in [hit.name for hit in hits]


def test_two_characters_list_names_that_start_with_them_first(db: Database) -> None:
    names = [hit.name for hit in search_consumers(db.read(), "jo")]

    assert names and names[0].lower().startswith("jo")


def test_one_character_matches_the_start_only(db: Database) -> None:
    names = [hit.name for hit in search_consumers(db.read(), "j")]

    assert names and all(name.lower().startswith("j") for name in names)
