"""`tilldesk disputes` and `tilldesk circumstances` end to end, as support staff use them."""

import json
import sqlite3
from pathlib import Path

from tests.e2e.cli import run


def _outbox(db: Path, entity: str) -> int:
    with sqlite3.connect(db) as connection:
        query = "SELECT count(*) FROM outbox WHERE entity = ?"
        return connection.execute(query, (entity,)).fetchone()[0]


def test_open_follow_and_settle_a_dispute(counter: Path) -> None:
    opened = run(
        counter, "disputes", "open", "WU-10001", "--bill", "INV-2025-001234",
        "--reason", "Meter read twice", "--owner", "rpatel", "--user", "jsmith", "--json",
    )  # fmt: skip
    dispute = json.loads(opened.stdout)
    assert (dispute["status"], dispute["owner"], dispute["opened_by"]) == (
        "open",
        "rpatel",
        "jsmith",
    )
    short = dispute["id"][:8]

    refused = run(
        counter, "disputes", "update", short, "--status", "rejected", "--resolution", "x",
        "--user", "jsmith", check=False,
    )  # fmt: skip
    assert refused.returncode == 3
    assert "A cashier may not resolve or reject disputes." in refused.stderr
    settled = run(
        counter, "disputes", "update", short, "--status", "resolved",
        "--resolution", "Re-read, 12.40 credited", "--user", "mbrown",
    )  # fmt: skip
    assert settled.stdout.strip() == f"Dispute {short} is resolved."
    listed = run(counter, "disputes", "list", "WU-10001").stdout
    assert "INV-2025-001234" in listed and "Resolved" in listed and "Re-read" in listed
    assert _outbox(counter, "dispute") == 2


def test_record_and_show_special_circumstances(counter: Path) -> None:
    run(
        counter, "circumstances", "set", "WU-10001", "--kinds", "medical,bereavement",
        "--channel", "sms", "--time", "17:00-20:00", "--language", "es", "--user", "jsmith",
    )  # fmt: skip
    shown = run(counter, "circumstances", "show", "WU-10001").stdout
    assert "Medical, Bereavement" in shown
    assert "no automatic charge before review; gentle reminders" in shown
    assert "17:00-20:00" in shown and "jsmith at" in shown
    wrong = run(
        counter, "circumstances", "set", "WU-10001", "--kinds", "bored", "--user", "jsmith",
        check=False,
    )  # fmt: skip
    assert wrong.returncode == 3 and "Unknown circumstance 'bored'" in wrong.stderr
    assert _outbox(counter, "consumer_circumstances") == 1
