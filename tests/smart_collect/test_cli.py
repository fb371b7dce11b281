"""`tilldesk recovery smart-collect|segments|segment-config|queue|credits|escalations` on a real
SQLite recovery database: the JSON a script reads, and what is written."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.recovery_tables import recovery_decisions
from cli.main import EXIT_RULE, main
from tests.smart_collect.rows import add_attempt, add_case, add_consumer

NOW = datetime.now(UTC)


def run(capsys, db: str, *argv: str) -> tuple[int, object]:
    code = main(["recovery", *argv, "--db", db])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() and out.lstrip()[0] in "[{" else out)


@pytest.fixture
def db(engine, recovery_url, tmp_path):
    """C1: salary on the same day each month (20 days ago last); an open case due tomorrow."""
    payday = min((NOW - timedelta(days=20)).day, 28)
    lines = ["consumer_id,date,amount,currency,source,balance"]
    month = date(NOW.year, NOW.month, 1)
    for _ in range(12):
        month = (month - timedelta(days=1)).replace(day=1)
        lines.append(f"C1,{month.replace(day=payday)},2500.00,USD,bank,2700.00")
    lines.append("C1,2026-02-30,2500.00,USD,bank,")  # no such day
    (tmp_path / "credits.csv").write_text("\n".join(lines) + "\n")
    add_consumer(engine, "C1")
    add_case(engine, "CASE-1", "C1", NOW - timedelta(days=1), amount_minor=150_000,
             next_at=NOW + timedelta(days=1))  # fmt: skip
    add_consumer(engine, "P1")  # no credits: approved payments stand in
    for n in range(4):
        add_case(engine, f"P-{n}", "P1", NOW - timedelta(days=30 * n + 40), status="paid",
                 recovered_minor=20_000)  # fmt: skip
        add_attempt(engine, f"P-{n}", NOW - timedelta(days=30 * n + 38), True)
    return recovery_url.removeprefix("sqlite:///")


def test_credits_import_reports_bad_lines_and_skips_repeats(capsys, db, tmp_path):
    code, report = run(capsys, db, "credits", "import", str(tmp_path / "credits.csv"), "--json")
    assert code == EXIT_RULE
    assert report["added"] == 12 and report["already_known"] == 0
    assert report["refused"] == ["line 14: date '2026-02-30' is not YYYY-MM-DD"]
    code, report = run(capsys, db, "credits", "import", str(tmp_path / "credits.csv"), "--json")
    assert report["added"] == 0 and report["already_known"] == 12


def test_smart_collect_json_and_reschedule_into_the_window(capsys, db, tmp_path):
    run(capsys, db, "credits", "import", str(tmp_path / "credits.csv"))
    code, view = run(capsys, db, "smart-collect", "C1", "--json")
    assert code == 0
    assert view["income"]["kind"] == "monthly" and view["income"]["source"] == "credits"
    assert view["income"]["typical_amount_minor"] == 250_000
    window = view["next_window"]
    [upcoming] = view["upcoming"]
    assert upcoming["collection_id"] == "CASE-1" and not upcoming["in_window"]
    assert upcoming["suggested_date"] == window["start"]
    assert upcoming["status"] in ("RISKY", "CRITICAL")
    assert view["summary"]["pending_collections"] == 1
    assert view["kpis"][0]["name"] == "Collection success rate"
    assert {s["dimension"] for s in view["segments"]} >= {"value", "history", "vip", "risk"}

    code, moved = run(capsys, db, "smart-collect", "C1", "--reschedule", "CASE-1",
                      "--user", "ann", "--json")  # fmt: skip
    assert code == 0 and moved["optimal_window_used"]
    _, after = run(capsys, db, "smart-collect", "C1", "--json")
    [upcoming] = after["upcoming"]
    assert upcoming["scheduled_date"] == window["start"] and upcoming["in_window"]
    assert upcoming["status"] == "OPTIMAL_WINDOW"


def test_attempt_now_needs_a_named_supervisor_and_records_the_decision(capsys, db, engine):
    code = main(["recovery", "smart-collect", "C1", "--attempt-now", "CASE-1", "--db", db])
    assert code == EXIT_RULE and "--user" in capsys.readouterr().err
    code, answer = run(capsys, db, "smart-collect", "C1", "--attempt-now", "CASE-1",
                       "--user", "boss", "--json")  # fmt: skip
    assert code == 0 and "supervisor boss" in answer["reason"]
    with engine.connect() as connection:
        [decision] = connection.execute(select(recovery_decisions)).all()
    assert decision.kind == "retry_now"
    code = main(["recovery", "smart-collect", "P1", "--attempt-now", "CASE-1", "--user", "b",
                 "--db", db])  # fmt: skip
    assert code == EXIT_RULE and "has no case CASE-1" in capsys.readouterr().err


def test_without_credits_the_pattern_comes_from_approved_payments(capsys, db):
    _, view = run(capsys, db, "smart-collect", "P1", "--json")
    assert view["income"]["source"] == "approved payments"
    assert view["income"]["kind"] == "monthly"
    assert view["summary"]["successful_collections"] == 4
    assert view["summary"]["first_attempt_success_rate"] == 100.0


def test_unknown_consumer_is_a_clear_error(capsys, db):
    assert main(["recovery", "smart-collect", "NOBODY", "--db", db]) == EXIT_RULE
    assert "There is no consumer NOBODY" in capsys.readouterr().err


def test_segment_config_set_show_and_history(capsys, db):
    code, config = run(capsys, db, "segment-config", "set", "at_risk", "grace_period_days=20",
                       "offers=payment_plan", "--user", "mgr", "--json")  # fmt: skip
    assert code == 0 and config["version"] == 1
    _, shown = run(capsys, db, "segment-config", "show", "at_risk", "--json")
    assert shown["at_risk"]["settings"]["offers"] == ["payment_plan"]
    _, history = run(capsys, db, "segment-config", "show", "--history", "--json")
    assert history[0]["changed_by"] == "mgr"
    assert history[0]["changes"]["grace_period_days"] == [15, 20]
    code = main(["recovery", "segment-config", "set", "at_risk", "tone=rude", "--db", db])
    assert code == EXIT_RULE and "tone" in capsys.readouterr().err


def test_queue_and_segments_list_open_cases(capsys, db, engine):
    add_consumer(engine, "V1", vip=True)
    add_case(engine, "VIP-1", "V1", NOW - timedelta(days=2), amount_minor=90_000,
             next_at=NOW + timedelta(hours=2))  # fmt: skip
    _, queue = run(capsys, db, "queue", "--json")
    assert [e["case_id"] for e in queue] == ["VIP-1", "CASE-1"]
    assert queue[0]["segment"] == "high_value" and queue[0]["band"]
    _, segments = run(capsys, db, "segments", "--json")
    vip = next(s for s in segments if s["case_id"] == "VIP-1")["segments"]
    assert {"dimension": "vip", "value": "vip", "why": "flagged VIP on the consumer"} in vip
    code, text = run(capsys, db, "queue")
    assert code == 0 and text.index("VIP-1") < text.index("CASE-1")


def test_escalations_are_opened_listed_and_done(capsys, db, engine):
    add_consumer(engine, "H1")
    add_case(engine, "HARD-1", "H1", NOW - timedelta(hours=3), code="stolen_card",
             category="hard", next_at=NOW + timedelta(days=1))  # fmt: skip
    code, steps = run(capsys, db, "escalations", "--json")
    assert code == 0
    [step] = [s for s in steps if s["case_id"] == "HARD-1"]
    assert step["rule"] == "hard_decline_new_method" and step["state"] == "open"
    assert step["action"] == "ask for a new payment method"
    code, _ = run(capsys, db, "escalation-done", str(step["id"]), "--user", "ann", "--json")
    assert code == 0
    _, steps = run(capsys, db, "escalations", "--json")
    [step] = [s for s in steps if s["case_id"] == "HARD-1"]
    assert (step["state"], step["closed_by"]) == ("done", "ann")
    assert main(["recovery", "escalation-done", str(step["id"]), "--db", db]) == EXIT_RULE
