"""Projecting a pushed record into the server's tables: one handler per entity.

Each runs inside the record's savepoint. Every handler first checks the record with the shared
record rules (app.domain.record_rules, the same the counter applies before it writes), the
terminal's number series and what the terminal may change; it raises Rejected with the reason
(the counter parks the record, and nothing reaches the change feed) or AlreadyStored (the
subject came before under another outbox id), or returns the flags it raised and the changes
other counters must pull. The handlers live beside this module, one per kind of record.
"""

from collections.abc import Callable

from sync.server.disputes import store_circumstances, store_dispute
from sync.server.incoming import Incoming, Projected
from sync.server.ingest_changes import store_verification, store_void
from sync.server.ingest_credit_notes import store_application, store_credit_note, store_decision
from sync.server.ingest_other import keep_only, store_audit, store_flag_resolution, store_shift
from sync.server.ingest_payments import store_payment
from sync.server.plans_ingest import store_plan
from sync.server.quarantine import quarantine_report
from sync.server.records import Rejected

__all__ = ["HANDLERS", "Incoming", "Projected", "project"]


def project(incoming: Incoming) -> Projected:
    handler = HANDLERS.get(incoming.record.entity)
    if handler is None:
        raise Rejected(f"unknown entity {incoming.record.entity!r}")
    return handler(incoming)


HANDLERS: dict[str, Callable[[Incoming], Projected]] = {
    "payment": store_payment,
    "payment_void": store_void,
    "payment_verification": store_verification,
    "credit_note": store_credit_note,
    "credit_note_application": store_application,
    "credit_note_decision": store_decision,
    "shift": store_shift,
    "settings_change": keep_only,
    "audit": store_audit,
    "flag_resolution": store_flag_resolution,
    "quarantine_report": quarantine_report,
    "dispute": store_dispute,
    "consumer_circumstances": store_circumstances,
    "payment_plan": store_plan,  # a plan made or modified at a counter (plans_ingest.py)
}
