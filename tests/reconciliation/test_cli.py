"""`tilldesk reconcile` on a real counter file, read back as JSON the way a script would."""

import json
from pathlib import Path

import pytest

from app.db.database import Database
from cli.main import main
from tests.reconciliation.counter import make_deposits, statement_csv

PINS = {"mbrown": "2345", "jsmith": "1234"}


def tilldesk(capsys, monkeypatch, db_path: Path, *argv: str) -> tuple[int, str, str]:
    user = argv[argv.index("--user") + 1] if "--user" in argv else None
    if user:
        monkeypatch.setenv("TILLDESK_PIN", PINS[user])
    code = main([*argv, "--db", str(db_path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def statement(db: Database, tmp_path: Path) -> Path:
    path = tmp_path / "april.csv"
    path.write_bytes(statement_csv(make_deposits(db)))
    return path


def test_import_run_list_and_confirm_from_the_command_line(
    capsys, monkeypatch, db_path: Path, statement: Path
) -> None:
    def ok_json(*argv: str):
        code, out, err = tilldesk(capsys, monkeypatch, db_path, *argv, "--json")
        assert code == 0, err
        return json.loads(out)

    imported = ok_json("reconcile", "import", str(statement), "--user", "mbrown")
    assert (imported["format"], imported["lines_added"]) == ("csv", 5)

    ran = ok_json("reconcile", "run", "--window-days", "3", "--user", "mbrown")
    assert (ran["matched"], ran["suggested"], ran["unmatched_lines"], ran["unmatched_items"]) == (
        2,
        1,
        2,
        2,
    )

    listed = ok_json("reconcile", "list")
    assert sorted((m["match_pass"], m["bank_amount"]) for m in listed["matches"]) == [
        ("exact", "145.50"),
        ("suggested", "150.00"),
        ("window", "100.00"),
    ]
    suggested = next(m for m in listed["matches"] if m["match_pass"] == "suggested")

    decided = ok_json("reconcile", "confirm", str(suggested["number"]), "--user", "mbrown")
    assert decided["status"] == "confirmed"
    unmatched = ok_json("reconcile", "list", "--unmatched")
    assert "matches" not in unmatched
    assert [line["amount"] for line in unmatched["unmatched_lines"]] == ["999.99"]
    assert [item["kind"] for item in unmatched["unmatched_items"]] == ["payment"]


def test_a_cashier_is_refused_and_the_reason_is_printed(
    capsys, monkeypatch, db_path: Path, statement: Path
) -> None:
    code, out, err = tilldesk(
        capsys, monkeypatch, db_path, "reconcile", "import", str(statement), "--user", "jsmith"
    )

    assert code == 3 and out == ""
    assert "A cashier may not reconcile bank statements." in err


def test_the_text_list_shows_both_sides(
    capsys, monkeypatch, db_path: Path, statement: Path
) -> None:
    tilldesk(
        capsys, monkeypatch, db_path, "reconcile", "import", str(statement), "--user", "mbrown"
    )
    code, out, _err = tilldesk(capsys, monkeypatch, db_path, "reconcile", "run", "--user", "mbrown")
    assert code == 0 and out.startswith("Matched 2, suggested 1")

    code, out, _err = tilldesk(capsys, monkeypatch, db_path, "reconcile", "list", "--unmatched")

    assert "UNKNOWN CREDIT" in out and "$999.99" in out
    assert "Cheque" in out
