"""Two intakes of the same failures at once on a real PostgreSQL open each case once."""

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.db.recovery_migrate import make_recovery_engine, migrate_recovery
from app.db.recovery_tables import recovery_cases
from app.services.recovery_intake import Failure, intake
from app.services.recovery_portfolio import CaseRow
from tests.pg import pg_cluster, pg_url  # noqa: F401 - fixtures

FAILURES = 60


def failure(i: int) -> Failure:
    at = datetime(2027, 1, 3, 10, tzinfo=UTC) - timedelta(minutes=i)
    row = CaseRow(
        case_id=f"T{i}", consumer_id=f"C{i % 7}", amount_minor=1_000 + i, currency="USD",
        method="card", gateway="nmi", network="visa", card_type="debit", failed_at=at,
        code="202", advice_code="", product="bill", due_date=None,
    )  # fmt: skip
    return Failure(row, f"vault-{i}", external_id=f"txn-{i}")


def failures() -> list[Failure]:
    return [failure(i) for i in range(FAILURES)]


def test_a_webhook_and_a_poll_racing_on_the_same_failures(pg_url) -> None:  # noqa: F811
    migrate_recovery(pg_url)
    engine = make_recovery_engine(pg_url, pool_size=4)
    start = threading.Barrier(2)
    reports = {}

    def run(source: str) -> None:
        start.wait()
        reports[source] = intake(engine, source, failures())

    threads = [threading.Thread(target=run, args=(s,)) for s in ("webhook", "poll")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    added = reports["webhook"].added + reports["poll"].added
    assert sorted(added) == sorted(f"T{i}" for i in range(FAILURES))
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(recovery_cases)).scalar()
    engine.dispose()
    assert count == FAILURES
