"""What runs beside the recovery worker in `tilldesk recovery run`, on the same stop event:
the outgoing webhooks' deliverer, the payment alerts' evaluation, the escalation steps (opened,
or marked missed past their due time), plans' missed installments (each a new case), the
reminders' fallbacks (a reminder a channel failed to deliver goes out on the next channel) and
payment plans' milestone messages (half paid, completed: counter_plans_messages).

Each companion is a non-daemon thread the service joins before it exits, so a delivery or an
evaluation in progress finishes and its rows are committed before the engine goes."""

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine

from app.services.recovery_alerts import Notifier, evaluate
from app.services.recovery_plan_scan import scan_missed_installments
from app.services.smart_collect_escalations import evaluate_escalations
from sync.outgoing.deliverer import Deliverer, deliver_until

log = logging.getLogger(__name__)

ALERTS_EVERY = timedelta(minutes=5)  # alert windows are hours to days wide: this is prompt
FALLBACKS_EVERY = timedelta(minutes=1)
PLANS_EVERY = timedelta(hours=1)  # missed installments: due dates are days; repeats are safe
ESCALATIONS_EVERY = timedelta(minutes=5)  # due times are in business hours: minutes matter


def start_companions(
    engine: Engine,
    stop: threading.Event,
    *,
    clock: Callable[[], datetime],
    poll_seconds: float,
    once: bool,
    messenger: object = None,
    notifiers: Sequence[Notifier] = (),
) -> list[threading.Thread]:
    """Start them; with `once` they run one round after the worker instead (run_after_once)."""
    if once:
        return []
    deliverer = Deliverer(engine, clock=clock)
    jobs = [
        threading.Thread(
            target=deliver_until,
            args=(deliverer, stop),
            kwargs={"poll": max(poll_seconds, 1.0)},
            name="webhooks",
        ),
        threading.Thread(
            target=_every,
            args=(ALERTS_EVERY, stop, lambda: evaluate(engine, clock(), notifiers)),
            name="alerts",
        ),
        threading.Thread(
            target=_every,
            args=(ESCALATIONS_EVERY, stop, lambda: evaluate_escalations(engine, clock())),
            name="escalations",
        ),
        threading.Thread(
            target=_every,
            args=(PLANS_EVERY, stop, lambda: scan_missed_installments(engine, clock())),
            name="plans",
        ),
    ]
    fallbacks = getattr(messenger, "send_fallbacks", None)
    if fallbacks is not None:
        jobs.append(
            threading.Thread(
                target=_every, args=(FALLBACKS_EVERY, stop, fallbacks), name="fallbacks"
            )
        )
    milestones = plan_notices(engine, messenger, clock)
    if milestones is not None:
        jobs.append(
            threading.Thread(
                target=_every, args=(FALLBACKS_EVERY, stop, milestones), name="plan notices"
            )
        )
    for job in jobs:
        job.start()
    return jobs


def run_after_once(
    engine: Engine,
    *,
    clock: Callable[[], datetime],
    messenger: object = None,
    notifiers: Sequence[Notifier] = (),
) -> None:
    """`recovery run --once`: one round of each companion, after the worker's pass."""

    def deliver() -> object:
        return deliver_until(Deliverer(engine, clock=clock), threading.Event(), once=True)

    for name, job in (
        ("fallbacks", getattr(messenger, "send_fallbacks", None)),
        ("plan notices", plan_notices(engine, messenger, clock)),
        ("alerts", lambda: evaluate(engine, clock(), notifiers)),
        ("escalations", lambda: evaluate_escalations(engine, clock())),
        ("plans", lambda: scan_missed_installments(engine, clock())),
        ("webhooks", deliver),
    ):
        if job is not None:
            _guarded(name, job)


def plan_notices(
    engine: Engine, messenger: object, clock: Callable[[], datetime]
) -> Callable[[], object] | None:
    """Plans' milestone messages, through the messenger's channels (none when only logging)."""
    channels = getattr(messenger, "channels", None)
    if not channels:
        return None
    from app.services.counter_plans_messages import PlanNoticeSender

    sender = PlanNoticeSender(engine, channels)
    return lambda: sender.send_due(clock())


def _every(interval: timedelta, stop: threading.Event, job: Callable[[], object]) -> None:
    """`job` now and then every `interval` until `stop`; a failed round is logged and the
    next one tries again (what it works on waits in the database)."""
    while not stop.is_set():
        _guarded(threading.current_thread().name, job)
        stop.wait(interval.total_seconds())


def _guarded(name: str, job: Callable[[], object]) -> None:
    try:
        job()
    except Exception:
        log.exception("The %s round failed; the next one tries again", name)
