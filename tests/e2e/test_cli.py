"""The tilldesk console script end to end, as support staff and scripts use it."""

import json
import sqlite3
from pathlib import Path

from tests.e2e.cli import PAY_MARCH_BILL, run


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_init_generates_an_admin_pin_when_none_is_given(tmp_path: Path) -> None:
    out = json.loads(run(tmp_path / "new.sqlite", "init", "--json").stdout)
    assert out["terminal"] == "T01"
    assert out["created"] is True
    assert len(out["admin_pin"]) == 6 and out["admin_pin"].isdigit()
    again = json.loads(run(tmp_path / "new.sqlite", "init", "--json").stdout)
    assert again["created"] is False and again["admin_pin"] is None


def test_cash_overpayment_kept_as_credit_reports_every_number(counter: Path) -> None:
    out = json.loads(
        run(
            counter,
            "pay",
            "--account",
            "wu-10001",
            "--type",
            "Bill",
            "--item",
            "inv-2025-001234",
            "--method",
            "CASH",
            "--amount",
            "150",
            "--user",
            "jsmith",
            "--json",
        ).stdout
    )
    assert out["receipt_number"] == "R-T07-0001"
    assert out["payment_number"].startswith("PAY-") and out["payment_number"].endswith(
        "-T07-000001"
    )
    assert out["transaction_number"].endswith("-T07-000001")
    assert (out["status"], out["verification"], out["processing_time"]) == (
        "Posted",
        "Verified",
        "Immediate",
    )
    assert (out["amount"], out["tendered"], out["change"], out["difference"]) == (
        "150.00",
        "150.00",
        "0.00",
        "4.50",
    )
    assert out["analysis"] == "over"
    assert out["credit_note"]["number"] == "CN-T07-00001"
    assert out["credit_note"]["amount"] == "4.50"


def test_cash_with_change_and_the_payment_details(counter: Path) -> None:
    run(
        counter,
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "bill",
        "--item",
        "INV-2025-001234",
        "--method",
        "Cash",
        "--amount",
        "145.50",
        "--tendered",
        "150.00",
        "--notes",
        "Customer paid in full",
        "--user",
        "jsmith",
    )
    details = json.loads(run(counter, "payments", "show", "R-T07-0001", "--json").stdout)
    assert details["cash"] == {"amount_received": "150.00", "change_given": "4.50"}
    assert details["amount_analysis"]["analysis"] == "exact"
    assert details["details"][0]["reference"] == "INV-2025-001234"
    assert details["details"][0]["description"] == "Mar 2025"
    assert details["processing"] == {
        "received_by": "Jane Smith",
        "processing_time": "Immediate",
        "verification": "Verified",
    }
    assert details["consumer"]["service_address"] == "123 Main Street, Cityville"
    assert details["payment"]["channel"] == "Walk-in"
    assert details["payment"]["notes"] == "Customer paid in full"


def test_a_refused_payment_exits_3_with_the_reason_and_writes_nothing(counter: Path) -> None:
    before = {t: count(counter, t) for t in ("payments", "audit_events", "outbox")}
    result = run(
        counter,
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "bill",
        "--item",
        "INV-2025-001234",
        "--method",
        "Cash",
        "--amount",
        "5000",
        check=False,
    )
    assert result.returncode == 3
    assert "more than the account's outstanding balance $600.25" in result.stderr
    assert result.stdout == ""
    assert {t: count(counter, t) for t in before} == before


def test_unknown_method_lists_the_configured_ones(counter: Path) -> None:
    result = run(
        counter,
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "bill",
        "--item",
        "INV-2025-001234",
        "--method",
        "bitcoin",
        "--amount",
        "10",
        check=False,
    )
    assert result.returncode == 3
    assert "Unknown payment method 'bitcoin'" in result.stderr
    assert "Cash" in result.stderr and "Bank Transfer" in result.stderr


def test_list_search_filters_and_kpis_agree(counter: Path) -> None:
    run(
        counter,
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "installment",
        "--item",
        "PP-2025-0034/1",
        "--method",
        "credit card",
        "--amount",
        "67.50",
    )
    run(
        counter,
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "service",
        "--item",
        "late fee",
        "--method",
        "cash",
        "--amount",
        "25",
    )
    rows = json.loads(run(counter, "payments", "list", "--search", "john", "--json").stdout)
    assert [r["receipt_number"] for r in rows] == ["R-T07-0002", "R-T07-0001"]
    cash = json.loads(run(counter, "payments", "list", "--method", "cash", "--json").stdout)
    assert [(r["receipt_number"], r["amount"], r["type"]) for r in cash] == [
        ("R-T07-0002", "25.00", "Service")
    ]
    kpis = json.loads(run(counter, "kpis", "--json").stdout)
    assert kpis["total_collected"]["value"] == "92.50"
    assert kpis["received_today"]["amount"] == "92.50"
    assert kpis["received_today"]["count"] == 2
    assert set(kpis) >= {"collection_rate", "avg_collection_time_days"}
    rate = kpis["collection_rate"]["value"]  # above 100 % only with arrears, and then it says so
    assert kpis["collection_rate_includes_arrears"] is (rate is not None and float(rate) > 100)


def test_credit_note_create_list_apply(counter: Path) -> None:
    run(
        counter,
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "bill",
        "--item",
        "INV-2025-001234",
        "--method",
        "card",
        "--amount",
        "145.50",
        check=False,
    )
    run(
        counter,
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "bill",
        "--item",
        "INV-2025-001234",
        "--method",
        "Credit Card",
        "--amount",
        "145.50",
    )
    note = json.loads(
        run(
            counter,
            "credit-notes",
            "create",
            "--receipt",
            "r-t07-0001",
            "--amount",
            "45.50",
            "--reason",
            "billing error",
            "--remarks",
            "Meter misread",
            "--user",
            "jsmith",
            "--json",
        ).stdout
    )
    assert (note["number"], note["amount"], note["reason"]) == (
        "CN-T07-00001",
        "45.50",
        "Billing Error",
    )
    too_much = run(
        counter,
        "credit-notes",
        "create",
        "--receipt",
        "R-T07-0001",
        "--amount",
        "100.01",
        "--reason",
        "Other",
        check=False,
    )
    assert too_much.returncode == 3 and "maximum of $100.00" in too_much.stderr
    applied = json.loads(
        run(
            counter,
            "credit-notes",
            "apply",
            "CN-T07-00001",
            "--to",
            "INV-2025-001567",
            "--amount",
            "45.50",
            "--json",
        ).stdout
    )
    assert (applied["remaining"], applied["status"]) == ("0.00", "Applied")
    listed = json.loads(
        run(counter, "credit-notes", "list", "--status", "applied", "--json").stdout
    )
    assert [(n["number"], n["usage_percent"]) for n in listed] == [("CN-T07-00001", "100.0")]
    account = json.loads(run(counter, "consumers", "show", "WU-10001", "--json").stdout)
    inv = next(i for i in account["unpaid"] if i["reference"] == "INV-2025-001567")
    assert inv["outstanding"] == "106.75"


def test_void_needs_a_supervisor_and_reverses_the_payment(counter: Path) -> None:
    run(
        counter,
        *PAY_MARCH_BILL,
    )
    refused = run(
        counter,
        "payments",
        "void",
        "R-T07-0001",
        "--reason",
        "typo",
        "--user",
        "jsmith",
        check=False,
    )
    assert refused.returncode == 3 and "cashier may not void" in refused.stderr
    run(counter, "payments", "void", "R-T07-0001", "--reason", "wrong account", "--user", "mbrown")
    shown = json.loads(run(counter, "payments", "show", "R-T07-0001", "--json").stdout)
    assert shown["payment"]["status"] == "Voided"
    assert shown["void"]["reason"] == "wrong account"
    account = json.loads(run(counter, "consumers", "show", "WU-10001", "--json").stdout)
    assert account["balance"] == "600.25"


def test_audit_verify_detects_a_tampered_row(counter: Path) -> None:
    run(
        counter,
        *PAY_MARCH_BILL,
    )
    assert "intact" in run(counter, "audit", "verify").stdout
    with sqlite3.connect(counter) as connection:
        connection.execute("DROP TRIGGER audit_append_only_update")
        connection.execute(
            "UPDATE audit_events SET after_json = replace(after_json, '14550', '1455') "
            "WHERE action = 'payment.recorded'"
        )
    result = run(counter, "audit", "verify", check=False)
    assert result.returncode == 4
    assert "TAMPERED" in result.stdout
