"""`tilldesk recovery template list|preview` against a real SQLite recovery database."""

import json
import sqlite3
from pathlib import Path

import pytest

from cli.main import main


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path, capsys) -> str:
    """The demo portfolio (`tilldesk recovery demo`): eight named US consumers."""
    path = str(tmp_path / "recovery.sqlite")
    assert cli(capsys, "recovery", "demo", "--db", path)[0] == 0
    return path


def test_list_shows_every_template_with_its_variants(capsys) -> None:
    code, out, _ = cli(capsys, "recovery", "template", "list", "--json")
    assert code == 0
    listed = {t["name"]: t for t in json.loads(out)}
    assert set(listed) == {"reminder", "reminder_first_time", "reminder_vip", "reminder_high_value"}
    assert listed["reminder"]["channels"] == ["email", "sms", "whatsapp"]
    assert listed["reminder_vip"]["segments"] == ["vip"]
    assert listed["reminder"]["whatsapp_parameters"] == ["first_name", "amount", "payment_link_url"]
    code, out, _ = cli(capsys, "recovery", "template", "list")
    assert code == 0 and "reminder_high_value" in out and "professional, urgent" in out


def name_of(db: str, consumer_id: str) -> str:
    with sqlite3.connect(db) as connection:
        (name,) = connection.execute(
            "SELECT name FROM recovery_consumers WHERE id = ?", (consumer_id,)
        ).fetchone()
    return str(name)


def without_name(db: str, consumer_id: str) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE recovery_consumers SET name = '' WHERE id = ?", (consumer_id,))


def test_preview_renders_an_expired_card_case_as_an_email(db: str, capsys) -> None:
    code, out, err = cli(
        capsys, "recovery", "template", "preview", "reminder", "--case", "DEMO-005", "--db", db
    )
    assert code == 0, err
    assert "subject     Your bill payment of $61.00 was not completed" in out
    assert f"Dear {name_of(db, 'DC005')}," in out
    assert "Your Visa card has expired or its details have changed." in out
    assert "--- HTML part ---" in out and ">Add a new card</a>" in out
    without_name(db, "DC005")  # a consumer whose name is not known
    code, out, err = cli(
        capsys, "recovery", "template", "preview", "reminder", "--case", "DEMO-005", "--db", db
    )
    assert code == 0, err
    assert "Dear customer," in out


def test_preview_json_counts_the_sms_segments(db: str, capsys) -> None:
    code, out, err = cli(
        capsys, "recovery", "template", "preview", "reminder", "--case", "DEMO-003",
        "--channel", "sms", "--tone", "friendly", "--db", db, "--json",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    first_name = name_of(db, "DC003").split()[0]
    assert shown["text"].startswith(
        f"Tilldesk Utilities: Hi {first_name}, your $29.99 service payment failed. "
        "Pay now, pick a date or a plan: https://"
    )
    assert shown["sms"]["encoding"] == "GSM-7" and shown["sms"]["segments"] == 2
    assert shown["html"] == "" and shown["subject"] == ""


def test_preview_uses_the_consumers_name_language_and_country(db: str, capsys) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE recovery_consumers SET name = 'Asha Rao', language = 'hi', country = 'IN',"
            " timezone = 'Asia/Kolkata' WHERE id = 'DC003'"
        )
    code, out, err = cli(
        capsys, "recovery", "template", "preview", "reminder", "--case", "DEMO-003",
        "--channel", "whatsapp", "--tone", "friendly", "--db", db, "--json",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["language"], shown["whatsapp_template"]) == ("hi", "payment_reminder_friendly")
    assert shown["parameters"][:2] == ["Asha", "$29.99"]
    assert shown["text"].startswith("*आपके सेवा शुल्क का भुगतान नहीं हो पाया*\n\nनमस्ते Asha,")


def test_a_language_without_a_version_falls_back_to_english_and_says_so(
    db: str, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("TILLDESK_RECOVERY_DB", db)  # the database from the environment
    code, out, err = cli(
        capsys, "recovery", "template", "preview", "reminder_vip", "--case", "DEMO-002",
        "--language", "ta", "--tone", "urgent",
    )  # fmt: skip
    assert code == 0, err
    assert "language    en (no ta version: en)" in out
    assert "Your account team: Action needed: $129.00 for your installment" in out


def test_refusals_exit_3_with_the_reason_and_print_no_message(db: str, capsys) -> None:
    without_name(db, "DC001")  # WhatsApp's approved template greets by the first name
    code, out, err = cli(
        capsys, "recovery", "template", "preview", "reminder", "--case", "DEMO-001",
        "--channel", "whatsapp", "--db", db,
    )  # fmt: skip
    assert (code, out) == (3, "")
    assert "WhatsApp parameter(s) first_name would be empty. Nothing sent." in err
    code, _, err = cli(capsys, "recovery", "template", "preview", "nope", "--db", db)
    assert code == 3 and "There is no template 'nope'" in err
    code, _, err = cli(
        capsys, "recovery", "template", "preview", "reminder", "--case", "X-9", "--db", db
    )
    assert code == 3 and "There is no recovery case X-9." in err


def test_without_a_case_the_first_open_case_is_shown(db: str, capsys) -> None:
    code, out, err = cli(capsys, "recovery", "template", "preview", "reminder", "--db", db)
    assert code == 0, err
    assert "case        DEMO-008" in out  # failed 100 hours ago, the oldest
