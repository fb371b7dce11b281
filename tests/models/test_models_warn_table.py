"""`tilldesk recovery models warn` without --json: the table a supervisor reads."""

import json

from cli.main import main
from tests.recovery.portfolio_files import write_portfolio


def test_the_warning_table_shows_each_due_charge_riskiest_first_as_the_json_does(tmp_path, capsys):
    portfolio = write_portfolio(tmp_path / "p", cases=60, months_of_history=6)
    database = str(tmp_path / "empty.db")
    common = ["--db", database, "--portfolio", str(portfolio)]
    assert main(["recovery", "models", "train", "--kind", "failure", *common, "--json"]) == 0
    capsys.readouterr()
    due = tmp_path / "due.csv"
    due.write_text(
        "consumer_id,amount_minor,currency,method,due_at\n"
        "C-STEADY,5000,USD,card,2027-01-05T09:00:00Z\n"
        "C-OTHER,12345,EUR,enach,2027-01-06T10:30:00Z\n"
    )
    warn = ["recovery", "models", "warn", str(due), *common, "--threshold", "0"]
    assert main([*warn, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)

    assert main(warn) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["consumer", "due", "amount", "method", "risk"]
    shown = [line.split() for line in lines[2:]]
    assert shown == [
        [
            r["consumer_id"],
            r["due_at"][:16],
            str(r["amount_minor"]),
            r["currency"],
            r["method"],
            f"{r['risk']:.0%}",
        ]
        for r in rows
    ]
    assert {(s[0], s[1], s[2], s[3]) for s in shown} == {
        ("C-STEADY", "2027-01-05T09:00", "5000", "USD"),
        ("C-OTHER", "2027-01-06T10:30", "12345", "EUR"),
    }
