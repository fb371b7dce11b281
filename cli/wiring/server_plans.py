"""Payment plans on the central server, wired to the recovery database: the plan round (every
$TILLDESK_PLAN_SCAN_SECONDS, hourly by default) records each plan's notices, raises a
disconnection review for a broken plan and opens a recovery case for each missed installment.
Plans themselves need no route: they arrive by push (sync/server/plans_ingest.py) and leave
by the change feed."""

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import Engine

from app.domain.plan_compliance import PlanState
from cli.wiring.background_rounds import run_rounds
from cli.wiring.server_options import ServerOptions
from cli.wiring.server_plan_notices import HandOver, hand_over_notices
from sync.server.incoming import server_settings
from sync.server.plans_scan import ScanReport, scan_plans

log = logging.getLogger(__name__)
INTERVAL_VARIABLE = "TILLDESK_PLAN_SCAN_SECONDS"
DEFAULT_INTERVAL_S = 3600.0


@dataclass(frozen=True)
class PlanRound:
    scan: ScanReport
    cases_opened: list[str]
    handed: HandOver = field(default_factory=HandOver)  # milestones queued, cases closed


def plans_round(server: Engine, recovery: Engine | None, now: datetime) -> PlanRound:
    """Scan the server's plans; with a recovery database, missed installments become cases."""
    with server.connect() as conn:
        currency = server_settings(conn).currency
    scan = scan_plans(server, now, currency)
    if recovery is None:
        return PlanRound(scan, [])
    from app.services.counter_plans_intake import intake_missed_installments

    opened = intake_missed_installments(recovery, scan.missed, now).added if scan.missed else []
    follow_offered_plans(recovery, now, scan.states)
    return PlanRound(scan, opened, hand_over_notices(server, recovery, now, currency))


def install(app: FastAPI, options: ServerOptions) -> None:
    """The plan round in the background while the app's lifespan runs."""
    interval = float(os.environ.get(INTERVAL_VARIABLE) or DEFAULT_INTERVAL_S)
    if interval <= 0:
        return
    server: Engine = app.state.engine
    recovery = None
    if options.recovery_db:
        from app.services.recovery_database import recovery_db_url, shared_recovery_database

        recovery = shared_recovery_database(recovery_db_url(options.recovery_db))

    run_rounds(app, "plan-round", interval,
               lambda: plans_round(server, recovery, options.clock()))  # fmt: skip


def follow_offered_plans(
    recovery: Engine, now: datetime, states: Sequence[tuple[str, PlanState]]
) -> None:
    """Plans offered on recovery cases: their missed installments' cases point back to the
    case, and one paid off settles it. `states`: (plan number, standing) of every plan, as the
    round's scan found them (not read a second time). Offers not accepted by their first due
    date expire here too, for a server whose recovery database has no `recovery run` of its own."""
    from app.services.recovery_plan_offer_links import link_plan_cases, settle_paid_plans
    from app.services.recovery_plan_offers import expire_lapsed_offers

    link_plan_cases(recovery, now)
    settle_paid_plans(recovery, states, now)
    expire_lapsed_offers(recovery, now)
