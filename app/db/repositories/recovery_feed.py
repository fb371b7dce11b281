"""The counter's synced copy of the recovery cases (what the server published on the feed), as
the Recovery queue and Case screens read it; and whether a recovery database holds any case."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.db.recovery_tables import recovery_cases
from app.db.tables import Consumer
from app.db.tables.recovery_feed import SyncedRecoveryCase, SyncedTimelineEntry
from app.db.tables.smart_collect_feed import (
    SyncedCaseFacts,
    SyncedEscalationStep,
    SyncedSmartCollectView,
)

NAMES_CHUNK = 500  # consumer ids per query, well under SQLite's bound parameters


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

    def smart_collect(self, consumer_id: str) -> SyncedSmartCollectView | None:
        """The consumer's Smart Collect view as the server last published it."""
        return self.session.get(SyncedSmartCollectView, consumer_id)

    def consumer_names(self, consumer_ids: Collection[str]) -> dict[str, str]:
        """consumer id -> name, for those of these recovery consumers this counter can name: the
        name in their published Smart Collect view, else that of the counter's consumer with
        the account number (recovery knows a consumer by it)."""
        view, names = SyncedSmartCollectView, {}
        in_view = func.json_extract(view.view_json, "$.name")  # the name alone, not the view
        wanted = sorted(consumer_ids)
        for start in range(0, len(wanted), NAMES_CHUNK):
            chunk = wanted[start : start + NAMES_CHUNK]
            at_counter = select(Consumer.account_number, Consumer.name).where(
                Consumer.account_number.in_(chunk), Consumer.name != ""
            )
            published = select(view.consumer_id, in_view).where(
                view.consumer_id.in_(chunk), in_view != ""
            )
            names.update({r[0]: r[1] for r in self.session.execute(at_counter)})
            names.update({r[0]: r[1] for r in self.session.execute(published)})
        return names

    def escalation_steps(self, case_id: str) -> list[SyncedEscalationStep]:
        query = select(SyncedEscalationStep).where(SyncedEscalationStep.case_id == case_id)
        return list(self.session.scalars(query.order_by(SyncedEscalationStep.due_at,
                                                        SyncedEscalationStep.id)))  # fmt: skip

    def cases_failed_between(self, start: datetime, end: datetime) -> list[Any]:
        """Plain rows of the cases that failed in [start, end), each with its analytics facts
        (None where the consumer's Smart Collect view has not arrived)."""
        c, f = SyncedRecoveryCase, SyncedCaseFacts
        query = (
            select(c.id, c.consumer_id, c.status, c.amount_minor, c.recovered_minor, c.currency,
                   c.category, c.segment, c.failed_at, f.segment.label("fact_segment"),
                   f.channel, f.retries, f.recovered, f.recovered_at, f.charges_json)
            .outerjoin(f, f.case_id == c.id)
            .where(c.failed_at >= start, c.failed_at < end)
            .order_by(c.failed_at, c.id)
        )  # fmt: skip
        return list(self.session.execute(query))

    def last_published(self) -> datetime | None:
        """When the newest case the counter holds was published (None: no case)."""
        return self.session.scalar(select(func.max(SyncedRecoveryCase.published_at)))


def holds_cases(engine: Engine) -> bool:
    """Whether the recovery database behind `engine` holds any case."""
    with engine.connect() as connection:
        return connection.scalar(select(recovery_cases.c.id).limit(1)) is not None
