"""The central server's integration routes, wired to the recovery database (composition root)."""

import math
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from sqlalchemy import Engine

from app.domain.errors import UserFacingError
from app.services.experiments import list_experiments
from app.services.experiments_results import experiment_results
from app.services.recovery_alerts import alert_history, open_alerts
from app.services.recovery_analytics import analytics, default_period
from app.services.recovery_case_pages import CaseFilters, case_page, case_with_timeline
from app.services.recovery_database import shared_recovery_database
from cli.wiring.server_options import ServerOptions
from sync.server.recovery_api import CaseQuery, IntegrationReads, recovery_router


class CaseService:
    """The API's CaseReads over the recovery database's services."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def page(
        self, query: CaseQuery, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        filters = CaseFilters(
            status=query.status,
            gateway=query.gateway,
            method=query.method,
            segment=query.segment,
            consumer_id=query.consumer_id,
            failed_from=query.failed_from,
            failed_to=query.failed_to,
        )
        return case_page(self.engine, filters, cursor, limit)

    def one(self, case_id: str) -> dict[str, Any] | None:
        return case_with_timeline(self.engine, case_id)


def json_ready(value: Any) -> Any:
    """Dataclasses to dicts; NaN and infinity (an empty arm's mean) to null, which JSON has."""
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def integration_reads(engine: Engine, clock: Callable[[], datetime]) -> IntegrationReads:
    def report(by: str, first: date | None, last: date | None) -> dict[str, Any]:
        default_first, default_last = default_period(clock().date())
        return json_ready(analytics(engine, by, first or default_first, last or default_last))

    def alerts() -> list[dict[str, Any]]:
        return [json_ready(a) | {"text": a.text} for a in open_alerts(engine)]

    def history() -> list[dict[str, Any]]:
        return [json_ready(e) for e in alert_history(engine, limit=1000)]

    def experiment(experiment_id: str) -> dict[str, Any] | None:
        try:
            return json_ready(experiment_results(engine, experiment_id, clock()))
        except UserFacingError:  # no such experiment (the id is all the service checks)
            return None

    return IntegrationReads(
        cases=CaseService(engine),
        analytics=report,
        alerts=alerts,
        alert_history=history,
        experiments=lambda: json_ready(list_experiments(engine)),
        experiment=experiment,
    )


def routers(options: ServerOptions) -> list[APIRouter]:
    """This area's routers for the server app (none when the area is not configured)."""
    if options.recovery_db is None:
        return []
    engine = shared_recovery_database(options.recovery_db)
    return [recovery_router(integration_reads(engine, options.clock))]
