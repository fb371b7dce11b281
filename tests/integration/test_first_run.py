"""First run: the answers are checked before anything is written, then the counter is set up
with them (terminal, settings, admin PIN) in a real SQLite file."""

import dataclasses
from pathlib import Path

import pytest

from app.db.database import open_database
from app.domain.errors import UserFacingError
from app.services.actors import authenticate
from app.services.first_run import (
    FirstRunAnswers,
    check_answers,
    needs_first_run,
    set_up_counter,
    suggested_answers,
)
from app.services.settings import current_settings

GOOD = FirstRunAnswers("t07", "Main hall", "INR", "en_IN", "Asia/Kolkata", "482913", "482913")


def test_a_new_counter_is_set_up_with_the_answers(tmp_path: Path):
    path = tmp_path / "counter.sqlite"
    assert needs_first_run(path)
    assert set_up_counter(path, GOOD).terminal_code == "T07"
    assert not needs_first_run(path)
    db = open_database(path)
    settings = current_settings(db.read())
    assert (settings.currency, settings.locale, settings.timezone) == (
        "INR", "en_IN", "Asia/Kolkata"
    )  # fmt: skip
    with db.unit_of_work() as uow:
        assert authenticate(uow, "admin", "482913").username == "admin"
    db.close()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"terminal_code": "T-1"}, "terminal_code", "A terminal code is 1-8 letters or digits"),
        ({"currency": "XYZ"}, "currency", "Unknown currency 'XYZ'"),
        ({"locale": "zz_QQ"}, "locale", "Unknown locale 'zz_QQ'"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone 'Mars/Olympus'"),
        ({"admin_pin": "1111", "admin_pin_again": "1111"}, "admin_pin", "PIN"),
        ({"admin_pin_again": "482914"}, "admin_pin_again", "The two PINs differ."),
    ],
)
def test_a_bad_answer_is_named_and_nothing_is_created(tmp_path: Path, change, field, message):
    answers = dataclasses.replace(GOOD, **change)
    assert message in check_answers(answers)[field]
    with pytest.raises(UserFacingError):
        set_up_counter(tmp_path / "counter.sqlite", answers)
    assert not (tmp_path / "counter.sqlite").exists()


def test_an_aborted_first_start_asks_again(tmp_path: Path):
    path = tmp_path / "counter.sqlite"
    open_database(path).close()  # the file exists, migrated, but no terminal was set up
    assert needs_first_run(path)


def test_suggestions_follow_the_machine(tmp_path: Path):
    answers = suggested_answers("en_IN", "Asia/Kolkata")
    assert (answers.currency, answers.locale, answers.timezone) == ("INR", "en_IN", "Asia/Kolkata")
    fallback = suggested_answers("C", None)
    assert (fallback.currency, fallback.locale) == ("USD", "en_US")
