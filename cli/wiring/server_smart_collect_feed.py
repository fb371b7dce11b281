"""The Smart Collect feed on the central server, wired to the recovery database: consumers'
Smart Collect views and cases' escalation steps published with the recovery cases (in the same
rounds: cli/wiring/server_recovery_feed.py), and the route a counter's Reschedule to optimal and
Attempt now come through."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from sqlalchemy import Engine, select

from cli.wiring.server_options import ServerOptions
from sync.server.recovery_feed import Callables
from sync.server.smart_collect_feed import STEPS, VIEW, VIEW_STALE_AFTER, publish_changed
from sync.server.smart_collect_feed_routes import smart_collect_case_router


def smart_collect_round(
    server: Engine, recovery: Engine, now: datetime, *, cases: Sequence[str] | None = None
) -> int:
    """Publish the changed views and steps; with `cases`, only those cases' steps and their
    consumers' views (a case just acted on)."""
    from app.services.smart_collect_feed import (
        consumer_signatures,
        consumer_snapshots,
        step_signatures,
        step_snapshots,
    )

    views = Callables(lambda: consumer_signatures(recovery),
                      lambda ids, at: consumer_snapshots(recovery, ids, at))  # fmt: skip
    steps = Callables(lambda: step_signatures(recovery),
                      lambda ids, at: step_snapshots(recovery, ids, at))  # fmt: skip
    consumers = _consumers_of(recovery, cases) if cases is not None else None
    count = publish_changed(server, VIEW, views, now, only=consumers,
                            stale_after=VIEW_STALE_AFTER)  # fmt: skip
    return count + publish_changed(server, STEPS, steps, now, only=cases)


def _consumers_of(recovery: Engine, cases: Sequence[str]) -> list[str]:
    from app.db.recovery_tables import recovery_cases

    c = recovery_cases.c
    with recovery.connect() as connection:
        return list(connection.scalars(select(c.consumer_id).where(c.id.in_(list(cases)))))


def case_actions(recovery: Engine) -> Callable[[str, str, str, datetime], dict[str, Any]]:
    from app.services.smart_collect_actions import attempt_now, reschedule_to_window

    def act(case_id: str, action: str, username: str, now: datetime) -> dict[str, Any]:
        run = reschedule_to_window if action == "reschedule" else attempt_now
        result = run(recovery, case_id, username, now)
        return {
            "case_id": result.case_id,
            "next_at": result.next_at.isoformat(),
            "reason": result.reason,
            "optimal_window_used": result.optimal_window_used,
        }

    return act


def step_closer(recovery: Engine) -> Callable[[str, int, str, str, datetime], None]:
    from app.db.recovery_tables_smart_collect import recovery_escalations
    from app.domain.errors import UserFacingError
    from app.services.smart_collect_escalations import close_escalation

    def close(case_id: str, step_id: int, username: str, note: str, now: datetime) -> None:
        e = recovery_escalations.c
        with recovery.connect() as connection:
            owner = connection.scalar(select(e.case_id).where(e.id == step_id))
        if owner != case_id:  # a terminal names the case it shows: the step must be that case's
            raise UserFacingError(f"Case {case_id} has no escalation step {step_id}.")
        close_escalation(recovery, step_id, username, note, now)

    return close


def routers(options: ServerOptions, recovery: Engine) -> list[APIRouter]:
    """The counters' Smart Collect actions (cases and views go out again at once)."""
    from cli.wiring.server_recovery_sources import case_source
    from sync.server.recovery_feed import publish_recovery_cases

    def published(server: Engine, case_id: str) -> None:
        now = options.clock()
        publish_recovery_cases(server, case_source(recovery), now, only=[case_id])
        smart_collect_round(server, recovery, now, cases=[case_id])

    return [smart_collect_case_router(case_actions(recovery), step_closer(recovery), published)]
