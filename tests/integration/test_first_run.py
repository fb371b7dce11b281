"""First run: the answers are checked before anything is written, then the counter is set up
with them (terminal, settings, admin PIN) in a real SQLite file - registered with the server
when asked, and left unmade when that registration fails."""

import dataclasses
from pathlib import Path

import pytest

from app.db.database import open_database
from app.domain.errors import UserFacingError
from app.services.actors import authenticate
from app.services.first_run import (
    FirstRunAnswers,
    ServerAnswers,
    check_answers,
    check_server_answers,
    set_up_counter,
    suggested_answers,
)
from app.services.settings import current_settings
from ui.counter_file import needs_first_run

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


def test_a_refused_registration_leaves_no_counter_and_a_retry_sets_it_up(tmp_path: Path):
    path = tmp_path / "counter.sqlite"
    seen: list[str] = []

    def refused(db) -> None:
        with db.read() as uow:
            seen.append(uow.terminal().code)  # registers the counter being set up
        raise UserFacingError("The server did not accept this admin user name and password.")

    with pytest.raises(UserFacingError, match="admin user name and password"):
        set_up_counter(path, GOOD, register=refused)
    assert seen == ["T07"]
    assert needs_first_run(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file, no half-built one

    set_up_counter(path, GOOD, register=lambda db: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter.sqlite"]  # WAL folded in
    assert not needs_first_run(path)


def test_a_crash_in_registration_leaves_nothing_either(tmp_path: Path):
    def broken(db) -> None:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        set_up_counter(tmp_path / "counter.sqlite", GOOD, register=broken)
    assert list(tmp_path.iterdir()) == []


def test_an_aborted_first_start_is_replaced_by_the_new_counter(tmp_path: Path):
    path = tmp_path / "counter.sqlite"
    open_database(path).close()  # created and migrated, never set up
    set_up_counter(path, GOOD)
    db = open_database(path)
    assert current_settings(db.read()).currency == "INR"
    db.close()


@pytest.mark.parametrize(
    ("server", "field", "message"),
    [
        (ServerAnswers("sync.example:8443", "", "root", "pw"), "url", "is not a server address"),
        (ServerAnswers("ftp://sync.example", "", "root", "pw"), "url", "is not a server address"),
        (ServerAnswers("http://sync.example", "", "root", "pw"), "url", "plain http://"),
        (ServerAnswers("https://sync.example", "AB:CD", "root", "pw"), "fingerprint", "64 hex"),
        (ServerAnswers("https://sync.example", "", "", "pw"), "admin_user", "user name and"),
        (ServerAnswers("https://sync.example", "", "root", ""), "admin_user", "password"),
    ],
)
def test_server_answers_are_checked_before_anything_is_tried(server, field, message):
    assert message in check_server_answers(server)[field]


def test_no_server_or_a_usable_one_passes():
    assert check_server_answers(ServerAnswers("")) == {}
    assert check_server_answers(ServerAnswers("http://10.0.0.5:8080", "", "root", "pw", True)) == {}
    assert (
        check_server_answers(ServerAnswers("https://sync.example:8443", "ab" * 32, "r", "p")) == {}
    )
