"""The recovery queue reads a fixed number of statements however many cases it lists (it used
to read each case's currency median once per case: ~5 s for 2,000 cases in a currency without
configured value bands), and ranks the same way."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.services.recovery_database import open_recovery_database
from app.services.smart_collect_queue import recovery_queue

NOW = datetime.now(UTC)


def portfolio(tmp_path, cases: int):
    engine = open_recovery_database(f"sqlite:///{tmp_path / f'recovery-{cases}.sqlite'}")
    with engine.begin() as connection:
        connection.execute(recovery_consumers.insert(), [
            {"id": f"C{n:04d}", "name": "", "country": "JP", "vip": False} for n in range(cases)
        ])  # fmt: skip
        connection.execute(recovery_cases.insert(), [
            {"id": f"K{n:04d}", "consumer_id": f"C{n % max(1, cases // 2):04d}",
             "amount_minor": 1_000 + 97 * n, "currency": "JPY" if n % 2 else "CHF",
             "method": "card", "gateway": "stripe", "failed_at": NOW - timedelta(days=n % 20),
             "code": "insufficient_funds", "category": "insufficient_funds", "product": "bill",
             "segment": "standard", "status": "open", "next_at": NOW + timedelta(hours=n)}
            for n in range(cases)
        ])  # fmt: skip
    return engine


def statements(engine) -> tuple[int, list]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        entries = recovery_queue(engine, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), entries


def test_the_queue_reads_as_many_statements_for_eighty_cases_as_for_ten(tmp_path):
    few, few_entries = statements(portfolio(tmp_path, 10))
    many, many_entries = statements(portfolio(tmp_path, 80))
    assert (len(few_entries), len(many_entries)) == (10, 80)
    assert many == few
    scores = [e.priority for e in many_entries]
    assert scores == sorted(scores, reverse=True)
    assert {e.segment for e in many_entries} <= {"high_value", "standard", "at_risk"}
