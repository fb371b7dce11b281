"""A real recovery SQLite file with a few failed card payments, for the plan tests."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from app.db.recovery_schema import metadata
from app.services.recovery_database import open_recovery_database
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer

NOW = datetime(2027, 1, 10, 15, 0, tzinfo=UTC)


def seeded(where, amounts: list[int], failed_at: datetime = NOW) -> tuple[str, Engine]:
    """`where`: a file path (SQLite) or a database URL (PostgreSQL)."""
    url = where if isinstance(where, str) and "://" in where else f"sqlite:///{where}"
    engine = open_recovery_database(url)
    consumers, failures = [], []
    for i, amount in enumerate(amounts, start=1):
        consumers.append(Consumer(f"C{i}", f"c{i}@example.com", "", "US", "NY", "", "en", False))
        row = CaseRow(
            case_id=f"K{i}", consumer_id=f"C{i}", amount_minor=amount, currency="USD",
            method="card", gateway="nmi", network="visa", card_type="debit",
            failed_at=failed_at - timedelta(hours=30), code="202", advice_code="",
            product="bill", due_date=None,
        )  # fmt: skip
        failures.append(Failure(row, f"vault-{i}"))
    save_consumers(engine, consumers)
    intake(engine, "test", failures)
    return url, engine


def counts(engine: Engine) -> dict[str, int]:
    """Rows per recovery table: 'nothing written' is every count unchanged."""
    with engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }
