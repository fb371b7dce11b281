"""Quarantine reports from counters: a feed change a counter could not apply (or, later, did
apply after all), kept per counter and record for a supervisor to see which record and why."""

from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy.dialects.postgresql import insert

from sync.server.incoming import Incoming, Projected
from sync.server.records import _Payload, parse
from sync.server.tables import quarantine_reports


class QuarantineReportIn(_Payload):
    entity: str = Field(min_length=1, max_length=32)
    key: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=0)
    state: Literal["quarantined", "applied"]
    error: str = Field(max_length=4000)
    app_version: str = Field(min_length=1, max_length=40)
    retries: int = Field(default=0, ge=0)
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None
    data: dict[str, Any] | None = None


def quarantine_report(incoming: Incoming) -> Projected:
    """Keep the newest report per (counter, record); nothing goes on the feed."""
    report = parse(QuarantineReportIn, incoming.record.payload)
    applied = incoming.now if report.state == "applied" else None
    values = {
        "seq": report.seq,
        "state": report.state,
        "error": report.error,
        "app_version": report.app_version,
        "retries": report.retries,
        "detail": incoming.record.payload,
        "last_reported_at": incoming.now,
        "applied_at": applied,
    }
    incoming.connection.execute(
        insert(quarantine_reports)
        .values(
            terminal_id=incoming.terminal.id,
            entity=report.entity,
            key=report.key,
            first_reported_at=incoming.now,
            **values,
        )
        .on_conflict_do_update(index_elements=["terminal_id", "entity", "key"], set_=values)
    )
    return Projected()
