"""The recovery records behind a unit of work: SQLAlchemy Core on SQLite or PostgreSQL."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Engine, bindparam, create_engine, event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db.recovery_schema import metadata
from app.db.recovery_tables import TABLES, recovery_cases


class SqlRecoveryRecords:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_cases(self, rows: Sequence[dict[str, Any]]) -> None:
        self._insert("cases", rows)

    def add_attempts(self, rows: Sequence[dict[str, Any]]) -> None:
        self._insert("attempts", rows)

    def add_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        self._insert("decisions", rows)

    def add_messages(self, rows: Sequence[dict[str, Any]]) -> None:
        self._insert("messages", rows)

    def add_events(self, rows: Sequence[dict[str, Any]]) -> None:
        self._insert("events", rows)

    def set_statuses(self, statuses: dict[str, str]) -> None:
        if not statuses:
            return
        statement = (
            update(recovery_cases)
            .where(recovery_cases.c.id == bindparam("case_id"))
            .values(status=bindparam("new_status"))
        )
        rows = [{"case_id": case_id, "new_status": s} for case_id, s in statuses.items()]
        self.session.connection().execute(statement, rows)

    def status_of(self, case_id: str) -> str | None:
        statement = select(recovery_cases.c.status).where(recovery_cases.c.id == case_id)
        return self.session.execute(statement).scalar_one_or_none()

    def count(self, table: str) -> int:
        return self.session.execute(select(func.count()).select_from(TABLES[table])).scalar_one()

    def _insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(TABLES[table].insert(), list(rows))


class SqlRecoveryUnitOfWork:
    """`with uow: uow.recovery.add_...; uow.commit()` - rollback unless committed."""

    recovery: SqlRecoveryRecords

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> Self:
        self._session = self._session_factory()
        self.recovery = SqlRecoveryRecords(self._session)
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.rollback()
        self._session.close()

    def commit(self) -> None:
        self._session.commit()


def throwaway_database(path: Path) -> sessionmaker[Session]:
    """A scratch SQLite file for a simulation: fast and not durable, by design."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA journal_mode = MEMORY")
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    create_tables(engine)
    return sessionmaker(engine)


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)
