"""`tilldesk recovery plan ...` end to end on a real SQLite file, with `recovery run --once`."""

import json
from datetime import UTC, date, datetime

from app.db.recovery_tables import recovery_events
from app.services.recovery_database import open_recovery_database
from app.services.recovery_plans import offer_plan
from cli.main import main
from tests.payment_links.seed import seed_case

PLAN_KEYS = {
    "plan_number", "plan_id", "case_id", "consumer_id", "status", "currency", "total",
    "down_payment", "paid", "frequency", "installment_count", "offered_by", "offered_at",
    "accepted_at", "acceptance", "installments",
}  # fmt: skip


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ok_json(capsys, *argv: str):
    code, out, err = cli(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def legacy_plan(db: str, case_id: str, count: int, **terms) -> str:
    """An RP- offer made before new offers moved to the counter's PP- plans: such rows keep
    working (accept, pay, scan), though no command makes new ones."""
    engine = open_recovery_database(f"sqlite:///{db}")
    try:
        return offer_plan(engine, case_id, installment_count=count, user="ravi",
                          now=datetime.now(UTC), **terms).plan_number  # fmt: skip
    finally:
        engine.dispose()


def test_an_accepted_plan_case_is_not_charged_by_recovery_run(tmp_path, capsys) -> None:
    db = str(tmp_path / "recovery.sqlite")
    assert cli(capsys, "recovery", "demo", "--db", db)[0] == 0
    number = legacy_plan(db, "DEMO-001", 3, frequency="monthly", down_payment_minor=1500,
                         first_due=date(2099, 1, 31))  # fmt: skip
    offered = ok_json(capsys, "recovery", "plan", "show", number, "--db", db)
    assert set(offered) == PLAN_KEYS
    assert (offered["status"], offered["total"], offered["down_payment"]) == (
        "offered", "45.00", "15.00",
    )  # fmt: skip
    assert [(i["number"], i["amount"], i["due_date"], i["down_payment"]) for i in
            offered["installments"]] == [
        (1, "15.00", "2099-01-31", True), (2, "10.00", "2099-02-28", False),
        (3, "10.00", "2099-03-31", False), (4, "10.00", "2099-04-30", False),
    ]  # fmt: skip
    assert number.startswith("RP-") and offered["acceptance"] is None
    accepted = ok_json(
        capsys, "recovery", "plan", "accept", number, "--channel", "phone", "--evidence",
        "agreed on the phone, call ref 7781", "--accepted-by", "John Doe", "--user", "ravi",
        "--db", db,
    )  # fmt: skip
    assert accepted["acceptance"] == {
        "channel": "phone",
        "recorded_by": "ravi",
        "evidence": "agreed on the phone, call ref 7781 (accepted by John Doe)",
    }
    code, out, err = cli(
        capsys, "recovery", "run", "--db", db, "--gateway", "demo", "--once", "--policy",
        "daily-3", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["visits"] == 7  # the eight demo cases but the planned one
    case = ok_json(capsys, "recovery", "case", "DEMO-001", "--db", db)
    kinds = [entry["kind"] for entry in case["timeline"]]
    assert "attempt" not in kinds and "payment" not in kinds and "decision" not in kinds
    listed = ok_json(capsys, "recovery", "cases", "--db", db, "--status", "plan")
    assert [c["id"] for c in listed] == ["DEMO-001"]


def test_pay_show_list_and_scan_print_json_a_program_can_read(tmp_path, capsys) -> None:
    db = str(tmp_path / "recovery.sqlite")
    cli(capsys, "recovery", "demo", "--db", db)
    number = legacy_plan(db, "DEMO-002", 2, frequency="monthly")
    cli(capsys, "recovery", "plan", "accept", number, "--channel", "counter", "--evidence",
        "signed form 12", "--accepted-by", "Ann", "--user", "u", "--db", db)  # fmt: skip
    paid = ok_json(
        capsys, "recovery", "plan", "pay", number, "--installment", "1", "--amount", "10.50",
        "--db", db,
    )  # fmt: skip
    assert paid["installments"][0]["paid"] == "10.50"
    assert paid["installments"][0]["status"] == "partly" and paid["paid"] == "10.50"
    shown = ok_json(capsys, "recovery", "plan", "show", number, "--db", db)
    assert shown == paid
    listed = ok_json(capsys, "recovery", "plan", "list", "--case", "DEMO-002", "--db", db)
    assert [p["plan_number"] for p in listed] == [number]
    assert ok_json(capsys, "recovery", "plan", "list", "--case", "DEMO-003", "--db", db) == []
    scan = ok_json(capsys, "recovery", "plan", "scan", "--grace-days", "3", "--db", db)
    assert scan == {"paid": [], "missed": [], "cases_opened": [], "broken": [], "completed": []}
    code, out, _ = cli(capsys, "recovery", "plan", "show", number, "--db", db)
    assert code == 0 and "partly" in out and "10.50" in out


def test_money_and_rules_refusals_are_clear_and_write_nothing(
    tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.delenv("TILLDESK_SERVER_DB", raising=False)
    db = str(tmp_path / "recovery.sqlite")
    cli(capsys, "recovery", "demo", "--db", db)
    code, _, err = cli(
        capsys, "recovery", "plan", "offer", "DEMO-001", "--installments", "2", "--down",
        "12.345", "--user", "u", "--db", db,
    )  # fmt: skip
    assert code != 0 and "at most 2 decimal places" in err
    code, _, err = cli(
        capsys, "recovery", "plan", "offer", "DEMO-001", "--installments", "61", "--user", "u",
        "--db", db,
    )  # fmt: skip
    assert code != 0 and "Installments must be between 1 and 60" in err
    code, _, err = cli(
        capsys, "recovery", "plan", "offer", "DEMO-001", "--installments", "3", "--user", "u",
        "--channel", "phone", "--accepted-by", "Jo", "--evidence", "yes", "--db", db,
    )  # fmt: skip
    assert code != 0 and "needs the central server's database" in err
    assert ok_json(capsys, "recovery", "plan", "offers", "DEMO-001", "--db", db) == []
    assert ok_json(capsys, "recovery", "plan", "list", "--db", db) == []


def test_a_plan_asked_for_on_the_payment_link_page_becomes_an_offer(tmp_path, capsys) -> None:
    db = str(tmp_path / "recovery.sqlite")
    engine = open_recovery_database(f"sqlite:///{db}")
    case_id = seed_case(engine, "L1", code="insufficient_funds")
    # What PaymentLinks.request_plan records when the consumer presses "ask for a plan"
    # (written directly: this test is about turning the request into an offer).
    with engine.begin() as connection:
        connection.execute(
            recovery_events.insert().values(
                case_id=case_id, at=datetime.now(UTC), type="plan_requested", channel="link",
                amount_minor=14550, detail={"reason": "the consumer asked for a payment plan"},
            )
        )  # fmt: skip
    engine.dispose()
    asked = ok_json(capsys, "recovery", "plan", "requests", "--db", db)
    assert [(r["case_id"], r["owed"]) for r in asked] == [("L1", "145.50")]
    offered = ok_json(
        capsys, "recovery", "plan", "offer", "L1", "--installments", "3", "--frequency",
        "biweekly", "--user", "ravi", "--db", db,
    )  # fmt: skip
    first = date.fromisoformat(offered["installments"][0]["due_date"])
    assert (first - datetime.now(UTC).date()).days == 14
    assert [i["amount"] for i in offered["installments"]] == ["48.50", "48.50", "48.50"]
    assert ok_json(capsys, "recovery", "plan", "requests", "--db", db) == []
