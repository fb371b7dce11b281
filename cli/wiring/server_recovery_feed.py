"""The recovery feed on the central server, wired to the recovery database: cases published for
the counters (after every counter push, after a counter's case action, and every
$TILLDESK_RECOVERY_FEED_SECONDS), counter payments settling cases as soon as the push that
brought them is stored, and the route a counter's case actions come through."""

import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from fastapi import APIRouter, FastAPI, Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.domain.errors import UserFacingError
from cli.wiring.background_rounds import run_rounds
from cli.wiring.server_options import ServerOptions
from cli.wiring.server_recovery_sources import case_source, recovery_engine_for
from sync.server.recovery_feed import publish_recovery_cases
from sync.server.recovery_feed_payments import CounterPayment, settle_counter_payments
from sync.server.recovery_feed_routes import recovery_case_router

log = logging.getLogger(__name__)
INTERVAL_VARIABLE = "TILLDESK_RECOVERY_FEED_SECONDS"
PART_PAYMENT_VARIABLE = "TILLDESK_RECOVERY_PART_PAYMENT"  # resume (the default) or pause
DEFAULT_INTERVAL_S = 30.0


def feed_round(server: Engine, recovery: Engine, now: datetime) -> int:
    """Counter payments first (they may settle cases), then every case that changed, then the
    Smart Collect views and escalation steps that changed (cli/wiring/server_smart_collect_feed)."""
    from cli.wiring.server_smart_collect_feed import smart_collect_round

    settle_round(server, recovery, now)
    count = publish_recovery_cases(server, case_source(recovery), now)
    return count + smart_collect_round(server, recovery, now)


def settle_round(server: Engine, recovery: Engine, now: datetime) -> list[str]:
    """The counter payments pushed since the last round, settled; the cases they changed go
    out on the feed at once (the rest waits for the periodic round)."""
    from app.services.recovery_feed_settle import settle_counter_payments as settle

    on_part = part_payment_rule()

    def settled(payments: Sequence[CounterPayment]) -> list[str]:
        return settle(recovery, payments, now, on_part)

    touched = settle_counter_payments(server, settled)
    if touched:
        from cli.wiring.server_smart_collect_feed import smart_collect_round

        publish_recovery_cases(server, case_source(recovery), now, only=touched)
        smart_collect_round(server, recovery, now, cases=touched)
    return touched


def part_payment_rule() -> str:
    """What a recovery case paid in part at a counter does: $TILLDESK_RECOVERY_PART_PAYMENT."""
    from app.services.recovery_feed_settle import PAUSE, RESUME

    rule = (os.environ.get(PART_PAYMENT_VARIABLE) or RESUME).strip().lower()
    if rule not in (RESUME, PAUSE):
        raise UserFacingError(
            f"{PART_PAYMENT_VARIABLE} is {rule!r}: use {RESUME} (the engine chases what is "
            f"still owed) or {PAUSE} (the case waits for a person)."
        )
    return rule


def case_action(recovery: Engine) -> Callable[[str, str, str, str, str, datetime], tuple[str, str]]:
    from app.services.recovery_case_actions import add_note, escalate_case
    from app.services.recovery_cases import change_status

    def act(case_id: str, verb: str, reason: str, user: str, owner: str,
            now: datetime) -> tuple[str, str]:  # fmt: skip
        if verb == "note":
            add_note(recovery, case_id, reason, user, now)
            return _status(recovery, case_id), "Note added."
        if verb == "escalate":
            action = escalate_case(recovery, case_id, owner, reason, user, now)
            return _status(recovery, case_id), f"Escalated to {action.owner}."
        new_status = change_status(recovery, case_id, verb, f"{reason} (by {user})", now)
        return new_status, f"Case {case_id} is now {new_status}."

    return act


def _status(recovery: Engine, case_id: str) -> str:
    from app.services.recovery_cases import case_timeline

    return str(case_timeline(recovery, case_id)[0]["status"])


def routers(options: ServerOptions) -> list[APIRouter]:
    if not options.recovery_db:
        return []
    recovery = recovery_engine_for(options)

    from cli.wiring import server_smart_collect_feed

    def published(server: Engine, case_id: str) -> None:
        """The case and its consumer's Smart Collect view (a pause moves its summary)."""
        now = options.clock()
        publish_recovery_cases(server, case_source(recovery), now, only=[case_id])
        server_smart_collect_feed.smart_collect_round(server, recovery, now, cases=[case_id])

    return [recovery_case_router(case_action(recovery), published),
            *server_smart_collect_feed.routers(options, recovery)]  # fmt: skip


def install(app: FastAPI, options: ServerOptions) -> None:
    """Settle and publish right after each counter push; a periodic round in the background
    while the app's lifespan runs (uvicorn's), every $TILLDESK_RECOVERY_FEED_SECONDS."""
    if not options.recovery_db:
        return
    part_payment_rule()  # a bad setting stops the server at start, not at the first payment
    recovery = recovery_engine_for(options)
    server: Engine = app.state.engine

    def after_push() -> None:
        try:
            settle_round(server, recovery, options.clock())
        except Exception:  # the push is stored; the periodic round catches up
            log.exception("settling counter payments after a push failed")

    @app.middleware("http")
    async def recovery_after_push(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path == "/v1/push" and response.status_code == 200:
            await run_in_threadpool(after_push)
        return response

    interval = float(os.environ.get(INTERVAL_VARIABLE) or DEFAULT_INTERVAL_S)
    run_rounds(
        app,
        "recovery-feed",
        interval,
        lambda: feed_round(server, recovery, options.clock()),
        first_at_start=True,
    )
