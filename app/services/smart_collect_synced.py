"""Smart Collect for the screens from wherever this counter can read it: the recovery database
when one is reachable, else the counter's copy of the view the server published on the sync
feed (a branch, offline). Also the Case screen's escalation steps from that copy."""

import json
from dataclasses import dataclass
from datetime import datetime

from app.domain.errors import UserFacingError
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_feed_queue import recovery_source
from app.services.runtime import Counter
from app.services.smart_collect import SmartCollectView
from app.services.smart_collect_escalations import EscalationRow


@dataclass(frozen=True)
class SmartCollectPage:
    view: SmartCollectView
    synced: bool = False  # the server's copy: actions go through the server
    published_at: datetime | None = None


def load_smart_collect(counter: Counter, consumer_id: str, now: datetime) -> SmartCollectPage:
    source = recovery_source(counter)
    if source.url is None:
        return synced_smart_collect(counter, consumer_id)
    from app.services.smart_collect import smart_collect_view

    engine = shared_recovery_database(source.url)
    # record=False: looking must not write; `recovery smart-collect` records the forecasts.
    return SmartCollectPage(smart_collect_view(engine, consumer_id, now, record=False))


def synced_smart_collect(counter: Counter, consumer_id: str) -> SmartCollectPage:
    from app.services.smart_collect_feed_view import view_from_dict

    with counter.read() as uow:
        row = uow.recovery_feed.smart_collect(consumer_id)
        if row is None:
            raise UserFacingError(
                f"Consumer {consumer_id} has no Smart Collect in this counter's copy: only "
                "consumers with a recovery case are sent, and only after a sync."
            )
        data, published_at = json.loads(row.view_json), row.published_at
    return SmartCollectPage(view_from_dict(data), synced=True, published_at=published_at)


def synced_escalations(counter: Counter, case_id: str) -> list[EscalationRow]:
    """The case's steps as the server last published them, open ones first."""
    with counter.read() as uow:
        steps = [
            EscalationRow(s.id, s.case_id, s.rule, s.action, s.owner, s.why, s.opened_at,
                          s.due_at, s.state, s.closed_at, s.closed_by, s.note)
            for s in uow.recovery_feed.escalation_steps(case_id)
        ]  # fmt: skip
    order = {"open": 0, "missed": 1, "done": 2}
    return sorted(steps, key=lambda s: order.get(s.state, 3))
