"""A note and a manual escalation on a case: from the CLI on a real SQLite recovery database,
on the case's timeline, as an escalation step due in business hours, heard by integrators."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.db.recovery_tables_case_actions import recovery_case_actions
from app.db.recovery_tables_smart_collect import recovery_escalations
from app.db.recovery_tables_webhooks import webhook_events
from app.domain.errors import UserFacingError
from app.services.recovery_case_actions import add_note, escalate_case
from app.services.recovery_database import open_recovery_database
from cli.main import main
from tests.messaging.helpers import add_case, add_consumer, recovery_db

NEW_YORK = ZoneInfo("America/New_York")


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def demo(tmp_path, capsys) -> str:
    db = str(tmp_path / "recovery.sqlite")
    assert cli(capsys, "recovery", "demo", "--db", db)[0] == 0
    return db


def _timeline(capsys, db: str, case_id: str) -> list[dict]:
    code, out, err = cli(capsys, "recovery", "case", case_id, "--db", db, "--json")
    assert code == 0, err
    return json.loads(out)["timeline"]


def test_a_note_from_the_cli_is_on_the_case_timeline_with_who_wrote_it(demo, capsys):
    code, out, err = cli(capsys, "recovery", "note", "DEMO-001", "Consumer will pay Friday",
                         "--user", "rpatel", "--db", demo)  # fmt: skip
    assert code == 0, err
    assert "Note added to case DEMO-001" in out
    [note] = [e for e in _timeline(capsys, demo, "DEMO-001") if e["kind"] == "note"]
    assert note["text"] == "note by rpatel: Consumer will pay Friday"


def test_an_empty_note_or_an_unknown_case_is_refused_and_nothing_is_written(demo, capsys):
    code, _, err = cli(capsys, "recovery", "note", "DEMO-001", "  ", "--user", "u", "--db", demo)
    assert code == 3 and "Write the note" in err
    code, _, err = cli(capsys, "recovery", "note", "NOPE", "hi", "--user", "u", "--db", demo)
    assert code == 3 and "no recovery case NOPE" in err
    engine = open_recovery_database(f"sqlite:///{demo}")
    with engine.connect() as connection:
        assert (
            connection.execute(select(func.count()).select_from(recovery_case_actions)).scalar()
            == 0
        )


def test_escalate_from_the_cli_opens_a_step_publishes_the_event_and_shows_on_the_timeline(
    demo, capsys
):
    code, out, err = cli(capsys, "recovery", "escalate", "DEMO-002", "--to", "Anita Rao",
                         "--reason", "disputes the amount", "--user", "mbrown", "--db", demo,
                         "--json")  # fmt: skip
    assert code == 0, err
    action = json.loads(out)
    assert action["owner"] == "Anita Rao" and action["kind"] == "escalation"
    [entry] = [e for e in _timeline(capsys, demo, "DEMO-002") if e["kind"] == "escalation"]
    assert "escalated by mbrown to Anita Rao" in entry["text"]
    assert entry["text"].endswith("disputes the amount")
    engine = open_recovery_database(f"sqlite:///{demo}")
    with engine.connect() as connection:
        step = connection.execute(select(recovery_escalations)).one()
        event = connection.execute(
            select(webhook_events).where(webhook_events.c.kind == "case.escalated")
        ).one()
    assert (step.case_id, step.owner, step.state) == ("DEMO-002", "Anita Rao", "open")
    assert step.due_at.isoformat() == action["due_at"]
    assert event.payload["reason"] == "disputes the amount"
    assert event.payload["escalation"]["owner"] == "Anita Rao"


def test_escalate_needs_an_owner_and_a_reason(demo, capsys):
    code, _, err = cli(capsys, "recovery", "escalate", "DEMO-002", "--to", " ", "--reason", "x",
                       "--user", "u", "--db", demo)  # fmt: skip
    assert code == 3 and "--to" in err


def test_an_escalation_late_on_friday_is_due_on_monday_in_the_consumers_hours(tmp_path):
    engine = recovery_db(tmp_path)
    add_consumer(engine, "C1", country="US", subdivision="NY", timezone="America/New_York")
    add_case(engine, "K1", "C1")
    friday_4pm = datetime(2026, 1, 9, 16, 0, tzinfo=NEW_YORK)
    action = escalate_case(engine, "K1", "Anita", "VIP asked for a call", "mbrown", friday_4pm)
    # 1 hour on Friday (to 17:00), then 3 on Monday from 09:00
    assert action.due_at == datetime(2026, 1, 12, 12, 0, tzinfo=NEW_YORK).astimezone(UTC)


def test_a_paid_case_is_not_escalated_but_may_get_a_note(tmp_path):
    engine = recovery_db(tmp_path)
    add_consumer(engine, "C1")
    add_case(engine, "K1", "C1", status="paid")
    now = datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
    with pytest.raises(UserFacingError, match="is paid"):
        escalate_case(engine, "K1", "Anita", "why", "mbrown", now)
    assert add_note(engine, "K1", "paid at the counter", "rpatel", now).kind == "note"
