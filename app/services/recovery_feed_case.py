"""One recovery case for the Case screen, from the recovery database when this counter has one,
else from the counter's synced copy (the timeline as the server last published it)."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.domain.errors import UserFacingError
from app.recovery.smart_collect.segments import Segment, described
from app.services.recovery_cases import TimelineEntry
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_feed_queue import (
    QUEUED,
    consumer_names,
    recovery_names,
    recovery_source,
)
from app.services.runtime import Counter
from app.services.smart_collect_escalations import EscalationRow


@dataclass(frozen=True)
class CasePage:
    case: dict[str, Any]
    timeline: list[TimelineEntry]  # newest first
    segments: list[Segment]
    band: str
    probability: float | None
    escalations: list[EscalationRow]
    segments_text: str = ""
    synced: bool = False  # the counter's copy: actions go through the server
    published_at: datetime | None = None
    consumer_name: str = ""  # "" where neither recovery nor this counter knows it


def load_case(counter: Counter, case_id: str, now: datetime) -> CasePage:
    source = recovery_source(counter)
    known: dict[str, str] = {}
    if source.url is None:
        page = synced_case(counter, case_id)
    else:
        engine = shared_recovery_database(source.url)
        page = database_case(engine, case_id, now)
        known = recovery_names(engine, {page.case["consumer_id"]})
    consumer_id = page.case["consumer_id"]
    name = consumer_names(counter, {consumer_id}, known).get(consumer_id, "")
    return replace(page, consumer_name=name)


def database_case(engine: Any, case_id: str, now: datetime) -> CasePage:
    from app.services.recovery_cases import case_timeline
    from app.services.smart_collect_data import read_consumer
    from app.services.smart_collect_escalations import list_escalations
    from app.services.smart_collect_queue import assess

    case, timeline = case_timeline(engine, case_id)
    rows = read_consumer(engine, case["consumer_id"])
    assessed = assess(engine, rows, case_id, now)
    return CasePage(
        case=case,
        timeline=list(reversed(timeline)),  # newest first: what happened last matters most
        segments=assessed.segments,
        band=assessed.forecast.band.value if case["status"] in QUEUED else "",
        probability=assessed.forecast.probability,
        escalations=[e for e in list_escalations(engine) if e.case_id == case_id],
        segments_text=described(assessed.segments),
    )


def synced_case(counter: Counter, case_id: str) -> CasePage:
    from app.services.smart_collect_synced import synced_escalations

    steps = synced_escalations(counter, case_id)  # the Case screen shows them offline too
    with counter.read() as uow:
        row = uow.recovery_feed.case(case_id)
        if row is None:
            raise UserFacingError(f"Case {case_id} is not in this counter's copy yet: sync first.")
        lines = uow.recovery_feed.timeline(case_id)
        timeline = [TimelineEntry(e.at, e.kind, e.text) for e in lines]
        case = {
            "id": row.id, "consumer_id": row.consumer_id, "status": row.status,
            "status_reason": row.status_reason, "amount_minor": row.amount_minor,
            "recovered_minor": row.recovered_minor,
            "written_off_minor": row.written_off_minor, "currency": row.currency,
            "method": row.method, "gateway": row.gateway, "code": row.code,
            "category": row.category, "failed_at": row.failed_at, "next_at": row.next_at,
            "next_action": row.next_action,
        }  # fmt: skip
        return CasePage(
            case=case,
            timeline=timeline,
            segments=[],
            band=row.band if row.status in QUEUED else "",
            probability=row.probability,
            escalations=steps,
            segments_text=row.segments_text,
            synced=True,
            published_at=row.published_at,
        )
