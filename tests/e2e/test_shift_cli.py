"""`tilldesk shift ...` end to end: a whole shift from the command line, as support staff do it."""

import json
import sqlite3
from pathlib import Path

from tests.e2e.cli import run


def status(db: Path) -> dict:
    return json.loads(run(db, "shift", "status", "--json").stdout)


def test_a_whole_shift_from_the_command_line(counter: Path, tmp_path: Path) -> None:
    assert status(counter)["number"] == "SH-T07-0001"
    pay = ("pay", "--account", "WU-10001", "--type", "bill", "--method", "cash", "--user", "jsmith")
    run(counter, *pay, "--item", "INV-2025-001234", "--amount", "145.50")
    run(counter, "shift", "cash-in", "25.00", "--reason", "Coins", "--user", "jsmith")
    run(counter, "shift", "cash-out", "100", "--reason", "Bank drop", "--user", "jsmith")
    now = status(counter)
    assert (now["payments"], now["taken"], now["expected_cash"]) == (1, "145.50", "270.50")
    assert (now["cash_in"], now["cash_out"], now["unsent_payments"]) == ("25.00", "100.00", 1)
    with sqlite3.connect(counter) as raw:  # registered: the unsent payment needs a supervisor
        raw.execute(
            "INSERT INTO sync_state (id, server_url, terminal_code, cursor, failures) "
            "VALUES (1, 'https://central.example', 'T07', 0, 0) "
            "ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url"
        )

    refused = run(
        counter, "shift", "close", "--count", "100x2", "--count", "20x3", "--user", "jsmith",
        check=False,
    )  # fmt: skip
    assert refused.returncode == 3
    assert "off by $10.50 in all, more than the $5.00 allowed" in refused.stderr
    assert "1 payment of this shift is not sent" in refused.stderr
    assert status(counter)["status"] == "open"

    closed = json.loads(
        run(
            counter, "shift", "close", "--count", "100x2", "--count", "20x3", "--total",
            "card=0", "--user", "jsmith", "--supervisor", "mbrown", "--supervisor-pin", "2345",
            "--json",
        ).stdout
    )  # fmt: skip
    assert closed["number"] == "SH-T07-0001" and closed["approved_by"] == "Michael Brown"
    assert (closed["expected_cash"], closed["counted_cash"], closed["difference"]) == (
        "270.50",
        "260.00",
        "-10.50",
    )
    assert status(counter) == {"status": "none"}

    report = run(counter, "shift", "report").stdout
    assert "SHIFT REPORT (Z)" in report and "Difference approved by Michael Brown." in report
    pdf = tmp_path / "z.pdf"
    run(counter, "shift", "report", "SH-T07-0001", "--pdf", str(pdf), "--user", "jsmith")
    assert pdf.read_bytes().startswith(b"%PDF")

    no_shift = run(counter, *pay, "--item", "INV-2025-001567", "--amount", "10", check=False)
    assert (no_shift.returncode, no_shift.stderr.strip()) == (
        3,
        "tilldesk: Open a shift before recording payments.",
    )
    opened = json.loads(
        run(counter, "shift", "open", "--float", "150", "--user", "jsmith", "--json").stdout
    )
    assert (opened["number"], opened["opening_float"]) == ("SH-T07-0002", "150.00")


def test_a_count_written_wrongly_is_refused_with_how_to_write_it(counter: Path) -> None:
    result = run(counter, "shift", "close", "--count", "20*5", "--user", "jsmith", check=False)
    assert result.returncode == 3
    assert "Write a count as FACExPIECES, like 20x5" in result.stderr
