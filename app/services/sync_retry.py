"""Retry parked records: after a supervisor fixed why the server refused them (e.g. the
consumer now exists there), they go back to pending and the next sync sends them. Retry
quarantined changes: the next sync applies again what this counter could not apply."""

from dataclasses import dataclass, field

from sqlalchemy import select, update

from app.db.tables import OutboxRecord
from app.db.tables.sync_state import SyncQuarantine
from app.db.unit_of_work import UnitOfWork
from app.services.actors import actor_for


@dataclass(frozen=True)
class Retried:
    count: int
    changes: frozenset[str] = field(default=frozenset({"sync"}))


def retry_parked(uow: UnitOfWork, *, username: str | None) -> Retried:
    with uow:
        actor = actor_for(uow, username, "manage_sync")
        ids = list(
            uow.session.scalars(select(OutboxRecord.id).where(OutboxRecord.state == "parked"))
        )
        if ids:
            uow.session.execute(
                update(OutboxRecord)
                .where(OutboxRecord.id.in_(ids))
                .values(state="pending", reason=None)
            )
            uow.audit(
                user_id=actor.user_id,
                action="sync.parked_retried",
                entity="outbox",
                entity_id="parked",
                after={"records": [str(i) for i in ids]},
            )
        uow.commit()
        return Retried(len(ids))


def retry_quarantined(uow: UnitOfWork, *, username: str | None) -> Retried:
    """Mark every quarantined change for the next sync to apply again (e.g. after the server's
    record was corrected, or a missing parent arrived)."""
    with uow:
        actor = actor_for(uow, username, "manage_sync")
        held = uow.session.scalars(select(SyncQuarantine)).all()
        for row in held:
            row.retry_requested = True
        if held:
            uow.audit(
                user_id=actor.user_id,
                action="sync.quarantined_retried",
                entity="sync",
                entity_id="quarantine",
                after={"records": [f"{r.entity}:{r.key}" for r in held]},
            )
        uow.commit()
        return Retried(len(held))
