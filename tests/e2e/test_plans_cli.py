"""`tilldesk plans` end to end, as a billing manager makes, follows and cancels plans."""

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.cli import run


def soon(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def _count(db: Path, query: str, *params: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(query, params).fetchone()[0]


def _written(db: Path) -> tuple[int, int, int]:
    """Plans, outbox records and audit events: what a refused command must leave untouched."""
    return (
        _count(db, "SELECT count(*) FROM payment_plans"),
        _count(db, "SELECT count(*) FROM outbox"),
        _count(db, "SELECT count(*) FROM audit_events"),
    )


def test_create_preview_show_modify_and_list_a_plan(counter: Path) -> None:
    preview = run(
        counter, "plans", "create", "WU-10001", "--total", "300.00", "--down-payment", "50.00",
        "--installments", "2", "--frequency", "monthly", "--first-due", soon(14),
        "--preview", "--user", "mbrown",
    )  # fmt: skip
    assert "Preview: nothing saved." in preview.stdout and "down payment" in preview.stdout
    assert "already has plan PP-2025-0034 open" in preview.stdout

    made = json.loads(
        run(
            counter, "plans", "create", "WU-10001", "--total", "300.00", "--down-payment",
            "50.00", "--installments", "2", "--frequency", "monthly", "--first-due", soon(14),
            "--note", "hardship", "--user", "mbrown", "--json",
        ).stdout
    )  # fmt: skip
    number = made["plan_number"]
    assert number.startswith("PP-NEW-") and made["saved"] is True
    assert [i["amount"] for i in made["installments"]] == ["50.00", "125.00", "125.00"]

    shown = json.loads(run(counter, "plans", "show", number, "--json").stdout)
    assert (shown["status"], shown["note"], shown["sync_state"]) == (
        "Awaiting server",
        "hardship",
        "pending",
    )
    assert [i["status"] for i in shown["installments"]] == ["Due", "Due", "Due"]

    run(
        counter, "plans", "modify", number, "--installments", "3", "--frequency", "weekly",
        "--first-due", soon(7), "--user", "mbrown",
    )  # fmt: skip
    after = json.loads(run(counter, "plans", "show", number, "--json").stdout)
    assert [i["amount"] for i in after["installments"]] == ["100.00", "100.00", "100.00"]
    assert (after["version"], after["modified_by"], after["total"]) == (2, "mbrown", "300.00")

    # The sample plan is far behind: broken, with its days late shown.
    old = run(counter, "plans", "show", "PP-2025-0034").stdout
    assert "Broken" in old and "Overdue" in old
    listed = json.loads(run(counter, "plans", "list", "--consumer", "WU-10001", "--json").stdout)
    assert {p["plan_number"] for p in listed} == {"PP-2025-0034", number}
    broken = json.loads(run(counter, "plans", "list", "--status", "broken", "--json").stdout)
    assert [p["plan_number"] for p in broken] == ["PP-2025-0034"]


def test_cancel_a_plan_its_unpaid_installments_are_no_longer_due(counter: Path) -> None:
    cancelled = run(
        counter, "plans", "cancel", "PP-2025-0034", "--reason", "Account closed",
        "--user", "mbrown",
    )  # fmt: skip
    assert cancelled.stdout.strip() == (
        "Plan PP-2025-0034 cancelled (Account closed); $202.50 unpaid is no longer due through it."
    )
    shown = json.loads(run(counter, "plans", "show", "PP-2025-0034", "--json").stdout)
    assert shown["status"] == "Cancelled" and shown["compliant"] is False
    assert shown["cancel_reason"] == "Account closed"
    assert "Cancelled     Account closed" in run(counter, "plans", "show", "PP-2025-0034").stdout
    assert {(i["status"], i["days_late"]) for i in shown["installments"]} == {("Cancelled", 0)}
    audit = (
        "SELECT count(*) FROM audit_events WHERE action = 'plan.cancelled' AND after_json LIKE ?"
    )
    assert _count(counter, audit, "%Account closed%") == 1
    assert _count(counter, "SELECT count(*) FROM outbox WHERE entity = 'payment_plan'") == 1

    # A cashier can no longer take money for it; a second cancel or a change is refused.
    paying = run(
        counter, "pay", "--account", "WU-10001", "--type", "installment", "--item",
        "PP-2025-0034/1", "--method", "cash", "--amount", "67.50", "--user", "jsmith",
        check=False,
    )  # fmt: skip
    assert paying.returncode == 3
    again = run(counter, "plans", "cancel", "PP-2025-0034", "--reason", "x", "--user", "mbrown",
                check=False)  # fmt: skip
    assert again.returncode == 3 and "Plan PP-2025-0034 is cancelled already." in again.stderr
    change = run(
        counter, "plans", "modify", "PP-2025-0034", "--installments", "2", "--first-due",
        soon(5), "--frequency", "monthly", "--user", "mbrown", check=False,
    )  # fmt: skip
    assert change.returncode == 3 and "Plan PP-2025-0034 is cancelled." in change.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cancel", "PP-2025-0034", "--reason", "  ", "--user", "mbrown"), "a reason is required"),
        (("cancel", "PP-2025-0034", "--reason", "x", "--user", "jsmith"),
         "A cashier may not cancel payment plans."),
        (("cancel", "PP-2025-0034", "--reason", "x", "--user", "rpatel"),
         "A recovery executive may not cancel payment plans."),
        (("cancel", "PP-1999-0001", "--reason", "x", "--user", "mbrown"),
         "No payment plan numbered 'PP-1999-0001'."),
        (("create", "WU-10001", "--total", "abc", "--installments", "2", "--frequency",
          "weekly", "--first-due", soon(3), "--user", "mbrown"), "Plan total"),
        (("create", "WU-10001", "--total", "100", "--installments", "two", "--frequency",
          "weekly", "--first-due", soon(3), "--user", "mbrown"), "whole number, not 'two'"),
        (("create", "WU-10001", "--total", "100", "--installments", "2", "--frequency",
          "weekly", "--first-due", "2001-01-01", "--user", "mbrown"), "in the past"),
        (("create", "WU-99999", "--total", "100", "--installments", "2", "--frequency",
          "weekly", "--first-due", soon(3), "--user", "mbrown"), "No consumer"),
        (("create", "WU-10001", "--total", "100", "--installments", "2", "--frequency",
          "weekly", "--first-due", soon(3), "--user", "jsmith"), "may not create or modify"),
        (("list", "--status", "sleepy"), "Status must be one of"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    counter: Path, args: tuple[str, ...], message: str
) -> None:
    before = _written(counter)
    refused = run(counter, "plans", *args, check=False)
    assert refused.returncode == 3
    assert message in refused.stderr
    assert _written(counter) == before


def test_a_wrong_pin_is_refused_before_the_plan_is_touched(counter: Path) -> None:
    refused = run(
        counter, "plans", "cancel", "PP-2025-0034", "--reason", "x", "--user", "mbrown",
        pin="9999", check=False,
    )  # fmt: skip
    assert refused.returncode == 3
    shown = json.loads(run(counter, "plans", "show", "PP-2025-0034", "--json").stdout)
    assert shown["status"] == "Broken"
