"""`tilldesk recovery analytics` and `tilldesk recovery alerts [check|ack]`, their --json shapes."""

import json
from datetime import date

import pytest

from cli.main import main
from tests.analytics.recovery_rows import daily_failures, recovery_engine


def run(capsys, *argv: str) -> tuple[int, object]:
    code = main(["recovery", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in argv else out


def test_analytics_json_per_method_and_category(tmp_path, capsys):
    engine = recovery_engine(tmp_path)
    daily_failures(engine, date(2027, 1, 10), days=2, charges=100, failures=3)
    db = str(tmp_path / "recovery.db")
    code, report = run(
        capsys, "analytics", "--db", db, "--from", "2027-01-01", "--to", "2027-01-31", "--json"
    )
    assert code == 0
    assert (report["by"], report["from"], report["to"]) == ("method", "2027-01-01", "2027-01-31")
    card, total = report["rows"]
    assert card["key"] == "credit_card" and total["key"] == "all"
    assert (card["failed"], card["charges"], card["failure_rate"]) == (6, 200, 0.03)
    assert (card["recovered"], card["recovery_rate"]) == (6, 1.0)
    code, report = run(
        capsys, "analytics", "--db", db, "--by", "category", "--from", "2027-01-01",
        "--to", "2027-01-31", "--json",
    )  # fmt: skip
    assert report["rows"][0]["key"] == "credit_card/declined"
    code, text = run(capsys, "analytics", "--db", db, "--from", "2027-01-01", "--to", "2027-01-31")
    assert "credit_card" in text and "3.0 %" in text


def test_alerts_check_list_and_ack(tmp_path, capsys):
    engine = recovery_engine(tmp_path)
    daily_failures(engine, date(2027, 3, 9), days=7, charges=100, failures=12)
    db = str(tmp_path / "recovery.db")
    code, result = run(
        capsys, "alerts", "check", "--db", db, "--at", "2027-03-10T09:00:00Z", "--json"
    )
    assert code == 0
    [change] = result["changes"]
    assert change["transition"] == "raised"
    alert = change["alert"]
    assert (alert["metric"], alert["scope"], alert["level"]) == (
        "failure_rate",
        "credit_card",
        "critical",
    )
    assert alert["value"] == 0.12 and alert["threshold"] == 0.1 and alert["sample"] == 700
    assert result["open"][0]["id"] == alert["id"]
    code, listed = run(capsys, "alerts", "--db", db, "--json")
    assert [a["id"] for a in listed] == [alert["id"]]
    assert listed[0]["text"].startswith("Failure rate of credit_card 12.0 %")
    code, acked = run(capsys, "alerts", "ack", alert["id"], "--as", "mbrown", "--db", db, "--json")
    assert acked["acknowledged_by"] == "mbrown"
    # Acknowledging twice is refused with a message, and nothing changes.
    assert main(["recovery", "alerts", "ack", alert["id"], "--db", db]) != 0
    assert "already acknowledged by mbrown" in capsys.readouterr().err
    code, text = run(capsys, "alerts", "--db", db)
    assert "critical" in text and "mbrown" in text


def test_volume_and_costs_recorded_from_the_command_line(tmp_path, capsys):
    engine = recovery_engine(tmp_path)
    daily_failures(engine, date(2027, 1, 10), days=1, charges=0, failures=2)
    db = str(tmp_path / "recovery.db")
    assert run(capsys, "volume", "2027-01-10", "credit_card", "stripe", "40", "--db", db)[0] == 0
    assert run(capsys, "cost", "attempt", "stripe", "7", "--db", db)[0] == 0
    _, report = run(
        capsys, "analytics", "--db", db, "--from", "2027-01-10", "--to", "2027-01-10", "--json"
    )
    assert report["rows"][0]["charges"] == 40 and report["rows"][0]["failure_rate"] == 0.05
    with pytest.raises(SystemExit):  # analytics methods are credit_card, debit_card ...
        main(["recovery", "volume", "2027-01-10", "card", "stripe", "1", "--db", db])
    assert main(["recovery", "cost", "message", "sms", "-5", "--db", db]) != 0
    assert "cannot be negative" in capsys.readouterr().err
