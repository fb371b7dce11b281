"""Recovery analytics from wherever this counter can read cases: the recovery database when one
is reachable, else the counter's copy of what the server published on the sync feed (the cases,
and per case the facts sent with its consumer's Smart Collect view: segment, reminder channel,
retries, when it was recovered and when its charges were answered)."""

import json
from collections import namedtuple
from dataclasses import replace
from datetime import date

from app.recovery.analytics.metrics import CaseFacts
from app.services.recovery_analytics import day_span
from app.services.recovery_case_analytics import (
    NO_MESSAGE,
    CaseAnalytics,
    case_analytics,
    channel_of,
    group_facts,
)
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_feed_queue import recovery_source
from app.services.runtime import Counter

_Case = namedtuple("_Case", "category currency recovered_minor")


def load_case_analytics(counter: Counter, date_from: date, date_to: date) -> CaseAnalytics:
    source = recovery_source(counter)
    if source.url is None:
        return synced_case_analytics(counter, date_from, date_to)
    return case_analytics(shared_recovery_database(source.url), date_from, date_to)


def synced_case_analytics(counter: Counter, date_from: date, date_to: date) -> CaseAnalytics:
    """The same figures from the synced cases that failed in the period (inclusive days, UTC)."""
    start, end = day_span(date_from, date_to)
    with counter.read() as uow:
        rows = uow.recovery_feed.cases_failed_between(start, end)
        as_of = uow.recovery_feed.last_published()
    facts, cases = [], {}
    attempts = [[0] * 24 for _ in range(31)]
    approved = [[0] * 24 for _ in range(31)]
    missing = 0
    for row in rows:
        known = row.retries is not None  # the consumer's facts came with their view
        missing += not known
        recovered = row.status == "paid" or row.recovered_minor >= row.amount_minor
        channel = row.channel if known else NO_MESSAGE
        facts.append(CaseFacts(
            case_id=row.id, consumer_id=row.consumer_id, method="", gateway="",
            segment=(row.fact_segment if known else "") or row.segment or "unknown",
            category=row.category or "unknown", failed_at=row.failed_at,
            recovered=bool(row.recovered) if known else recovered,
            recovered_at=row.recovered_at, stopped=row.status == "stopped",
            retries=row.retries or 0,
            messages=((channel, 1),) if channel and channel != NO_MESSAGE else (),
        ))  # fmt: skip
        cases[row.id] = _Case(row.category, row.currency, row.recovered_minor)
        for day, hour, ok in json.loads(row.charges_json) if known else []:
            attempts[day - 1][hour] += 1
            approved[day - 1][hour] += bool(ok)
    keys = {
        "segment": lambda f: f.segment,
        "channel": channel_of,
        "category": lambda f: cases[f.case_id].category or "unknown",
    }
    groups = {dim: group_facts(facts, cases, key) for dim, key in keys.items()}
    gaps = (
        f"{missing} of {len(rows)} cases have no Smart Collect facts yet (their consumer's view "
        "has not arrived): they count without reminders, retries or charges."
        if missing else ""
    )  # fmt: skip
    report = CaseAnalytics(date_from, date_to, groups, attempts, approved)
    return replace(report, synced=True, as_of=as_of, offline_gaps=gaps)
