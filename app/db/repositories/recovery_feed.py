"""The counter's synced copy of the recovery cases (what the server published on the feed), as
the Recovery queue and Case screens read it; and whether a recovery database holds any case."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.db.recovery_tables import recovery_cases
from app.db.tables.recovery_feed import SyncedRecoveryCase, SyncedTimelineEntry


class RecoveryFeedRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def any_case(self) -> bool:
        return self.session.scalar(select(SyncedRecoveryCase.id).limit(1)) is not None

    def cases(self, statuses: tuple[str, ...] | None = None) -> list[Any]:
        """Plain rows with the case's columns (those in `statuses` only, if given)."""
        # Plain rows, not ORM objects: the queue only reads them, and 2,000 cases load in
        # milliseconds instead of building an identity map.
        query = select(*SyncedRecoveryCase.__table__.columns)
        if statuses is not None:
            query = query.where(SyncedRecoveryCase.status.in_(statuses))
        return list(self.session.execute(query))

    def case(self, case_id: str) -> SyncedRecoveryCase | None:
        return self.session.get(SyncedRecoveryCase, case_id)

    def timeline(self, case_id: str) -> list[SyncedTimelineEntry]:
        """The case's timeline, the newest line first."""
        query = select(SyncedTimelineEntry).where(SyncedTimelineEntry.case_id == case_id)
        return list(self.session.scalars(query.order_by(SyncedTimelineEntry.position.desc())))


def holds_cases(engine: Engine) -> bool:
    """Whether the recovery database behind `engine` holds any case."""
    with engine.connect() as connection:
        return connection.scalar(select(recovery_cases.c.id).limit(1)) is not None
