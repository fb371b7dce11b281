"""Retry parked records: after a supervisor fixed why the server refused them (e.g. the
consumer now exists there), they go back to pending and the next sync sends them. Retry
quarantined changes: the next sync applies again what this counter could not apply."""

from dataclasses import dataclass, field

from app.domain.changes import Area, Changes, areas
from app.services.actors import actor_for
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Retried:
    count: int
    changes: Changes = field(default=areas(Area.SYNC))


def retry_parked(uow: UnitOfWork, *, username: str | None) -> Retried:
    with uow:
        actor = actor_for(uow, username, "manage_sync")
        ids = uow.sync_issues.parked_ids()
        if ids:
            uow.sync_issues.send_again(ids)
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
        held = uow.sync_issues.quarantined()
        for row in held:
            row.retry_requested = True
        uow.sync_issues.save()
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
