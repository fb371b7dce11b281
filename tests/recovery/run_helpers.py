"""Shared by the `recovery run` tests: a seeded recovery database and worker processes."""

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.db.recovery_migrate import make_recovery_engine, migrate_recovery
from app.db.recovery_tables import recovery_attempts, recovery_cases
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer
from tests.gateways.fakes import FakeNmi

ROOT = Path(__file__).resolve().parents[2]


def seed(url: str, amounts: list[int], hours_ago: int = 30) -> list[str]:
    """One NMI card case per amount, failed `hours_ago` (daily-3 retries them at once)."""
    migrate_recovery(url)
    engine = make_recovery_engine(url)
    now = datetime.now(UTC)
    consumers, failures = [], []
    for i, amount in enumerate(amounts, start=1):
        consumer = Consumer(f"C{i:03d}", f"c{i}@example.com", "", "US", "NY", "", "en", False)
        consumers.append(consumer)
        row = CaseRow(
            case_id=f"K{i:03d}", consumer_id=consumer.consumer_id, amount_minor=amount,
            currency="USD", method="card", gateway="nmi", network="visa", card_type="debit",
            failed_at=now - timedelta(hours=hours_ago), code="202", advice_code="",
            product="bill", due_date=None,
        )  # fmt: skip
        failures.append(Failure(row, f"vault-{i:03d}"))
    save_consumers(engine, consumers)
    report = intake(engine, "test", failures)
    engine.dispose()
    return report.added


def start_worker(url: str, fake: FakeNmi, worker_id: str, *extra: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "cli.main", "recovery", "run", "--db", url, "--json",
        "--gateway", f"nmi={fake.url}", "--policy", "daily-3", "--worker-id", worker_id,
        "--poll-seconds", "0.2", *extra,
    ]  # fmt: skip
    env = {**os.environ, "TILLDESK_RECOVERY_NMI_KEY": fake.security_key}
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def sales(fake: FakeNmi) -> list[dict]:
    return [t for t in list(fake.transactions.values()) if t["actions"][0]["action_type"] == "sale"]


def charges_per_key(fake: FakeNmi) -> Counter[str]:
    return Counter(t["order_id"] for t in sales(fake))


def charges_per_case(fake: FakeNmi) -> Counter[str]:
    return Counter(t["order_description"] for t in sales(fake))


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def attempts(url: str) -> list[dict]:
    engine = make_recovery_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(recovery_attempts).order_by(recovery_attempts.c.id))
        result = [dict(r._mapping) for r in rows]
    engine.dispose()
    return result


def statuses(url: str) -> dict[str, str]:
    engine = make_recovery_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(recovery_cases.c.id, recovery_cases.c.status))
        result = {r.id: r.status for r in rows}
    engine.dispose()
    return result
