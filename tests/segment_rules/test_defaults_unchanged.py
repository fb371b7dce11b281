"""No configuration edited: `recovery run` on the demo portfolio decides, charges and reminds
exactly as the engine without segment rules does; one edit and it does not."""

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db.recovery_tables import recovery_attempts, recovery_decisions, recovery_messages
from app.services.recovery_database import open_recovery_database
from app.services.segment_rules_lookup import SegmentLookup
from cli.main import main
from tests.messaging.helpers import fakes
from tests.segment_rules.helpers import Clock, Drive, configure


def _portfolio_run(path, start: datetime) -> dict[str, list[tuple]]:
    engine = open_recovery_database(f"sqlite:///{path}")
    Drive(engine, Clock(start), fakes()).run_until(start + timedelta(days=21))
    d, a, m = recovery_decisions.c, recovery_attempts.c, recovery_messages.c
    with engine.connect() as connection:
        found = {
            "decisions": connection.execute(
                select(d.case_id, d.kind, d.act_at, d.reason, d.channel).order_by(d.id)
            ).all(),
            "attempts": connection.execute(
                select(a.case_id, a.at, a.amount_minor, a.state).order_by(a.id)
            ).all(),
            "messages": connection.execute(
                select(m.case_id, m.at, m.channel, m.template).order_by(m.id)
            ).all(),
        }
    engine.dispose()
    return found


def test_the_demo_portfolio_runs_the_same_without_an_edit_and_differs_with_one(
    tmp_path, monkeypatch
):
    demo = tmp_path / "demo.sqlite"
    assert main(["recovery", "demo", "--db", str(demo)]) == 0
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    before, after, edited = (tmp_path / f"{n}.sqlite" for n in ("before", "after", "edited"))
    with closing(sqlite3.connect(demo)) as connection:  # whole: the WAL may still be open
        for copy in (before, after, edited):
            connection.execute("VACUUM INTO ?", (str(copy),))

    ruled = _portfolio_run(after, start)
    with monkeypatch.context() as patched:  # the engine as it was: no segment rules at all
        patched.setattr(SegmentLookup, "rules_for", lambda self, case_id, now: None)
        plain = _portfolio_run(before, start)
    assert plain["attempts"] and plain["decisions"]
    assert ruled == plain

    engine = open_recovery_database(f"sqlite:///{edited}")
    configure(engine, ("standard", "at_risk"), grace_period_days=3)
    engine.dispose()
    changed = _portfolio_run(edited, start)
    assert changed["attempts"] != plain["attempts"]
    assert min(at for _, at, _, _ in changed["attempts"]) >= min(
        at for _, at, _, _ in plain["attempts"]
    )
