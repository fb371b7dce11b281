"""The integration API over the recovery database: cases, analytics, alerts, experiments.

Read-only, for server admins (HTTP Basic, the same check and lockout as terminal
registration). Lists are paginated as {"items": [...], "next_cursor": ...}: pass next_cursor
back as `cursor` until it is null. The data comes from plain callables the composition root
(cli/wiring/server_integration.py) wires to the services, so this module knows no database.
"""

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel

from app.domain.errors import UserFacingError

PREFIX = "/v1/recovery"
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_basic = HTTPBasic(auto_error=False)
T = TypeVar("T")


@dataclass(frozen=True)
class CaseQuery:
    status: str | None = None
    gateway: str | None = None
    method: str | None = None
    segment: str | None = None
    consumer_id: str | None = None
    failed_from: datetime | None = None
    failed_to: datetime | None = None


class CaseReads(Protocol):
    def page(
        self, query: CaseQuery, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]: ...

    def one(self, case_id: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class IntegrationReads:
    """What the API can read; a section left None is not routed (its area is not built)."""

    cases: CaseReads
    # (group by, first day, last day included) -> the report; None days: the default period
    analytics: Callable[[str, date | None, date | None], dict[str, Any]] | None = None
    alerts: Callable[[], Sequence[dict[str, Any]]] | None = None  # open ones
    alert_history: Callable[[], Sequence[dict[str, Any]]] | None = None  # raised, cleared ...
    experiments: Callable[[], Sequence[dict[str, Any]]] | None = None
    experiment: Callable[[str], dict[str, Any] | None] | None = None  # with its results


class RecoveryCase(BaseModel):
    id: str
    consumer_id: str
    amount_minor: int
    recovered_minor: int
    written_off_minor: int = 0  # a discount offer forgave it: recovered + written off = owed
    currency: str
    method: str
    gateway: str
    category: str
    segment: str
    product: str
    status: str
    status_reason: str | None
    failed_at: datetime
    next_at: datetime | None


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    text: str


class RecoveryCaseDetail(RecoveryCase):
    timeline: list[TimelineEntry]


class CasePage(BaseModel):
    items: list[RecoveryCase]
    next_cursor: str | None


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None


def require_admin(
    request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]
) -> str:
    """The server app's own admin check (sync.server.app puts it on app.state)."""
    check: Callable[[Request, HTTPBasicCredentials | None], str] = request.app.state.admin
    return check(request, credentials)


Admin = Annotated[str, Depends(require_admin)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "Server admin credentials are required"}
}


def recovery_router(reads: IntegrationReads) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["recovery"], responses=REFUSED)

    @router.get("/cases", response_model=CasePage, responses={400: {"description": "Bad cursor"}})
    def list_cases(
        who: Admin,
        status: str | None = None,
        gateway: str | None = None,
        method: str | None = None,
        segment: str | None = None,
        consumer_id: str | None = None,
        failed_from: datetime | None = None,
        failed_to: datetime | None = None,
        cursor: str | None = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> CasePage:
        """Cases, newest failure first; `failed_from` included, `failed_to` excluded."""
        query = CaseQuery(status, gateway, method, segment, consumer_id, failed_from, failed_to)
        items, next_cursor = _answer(lambda: reads.cases.page(query, cursor, limit))
        return CasePage(items=[RecoveryCase(**i) for i in items], next_cursor=next_cursor)

    @router.get(
        "/cases/{case_id}",
        response_model=RecoveryCaseDetail,
        responses={404: {"description": "No such case"}},
    )
    def one_case(case_id: str, who: Admin) -> RecoveryCaseDetail:
        """One case with its timeline: decisions, attempts, messages, events."""
        return RecoveryCaseDetail(**_found(reads.cases.one(case_id), f"case {case_id}"))

    if reads.analytics is not None:
        analytics = reads.analytics

        @router.get(
            "/analytics", response_model=dict[str, Any], responses={400: {"description": "Bad"}}
        )
        def recovery_analytics(
            who: Admin,
            by: str = "method",
            date_from: date | None = None,
            date_to: date | None = None,
        ) -> dict[str, Any]:
            """Failure rate, recovery rate and time, cost and churn per method, gateway,
            segment or category over UTC days (both ends included; default the last 30)."""
            return _answer(lambda: analytics(by, date_from, date_to))

    if reads.alerts is not None:
        alerts = reads.alerts

        @router.get("/alerts", response_model=Page)
        def list_alerts(
            who: Admin, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT
        ) -> Page:
            """Open payment-method alerts, critical first."""
            return paginate(_answer(lambda: list(alerts())), cursor, limit)

    if reads.alert_history is not None:
        history = reads.alert_history

        @router.get("/alerts/history", response_model=Page)
        def list_alert_history(
            who: Admin, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT
        ) -> Page:
            """What happened to alerts, newest first: raised, escalated, cleared."""
            return paginate(_answer(lambda: list(history())), cursor, limit)

    if reads.experiments is not None:
        experiments = reads.experiments

        @router.get("/experiments", response_model=Page)
        def list_experiments(
            who: Admin, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT
        ) -> Page:
            """A/B experiments with their state."""
            return paginate(_answer(lambda: list(experiments())), cursor, limit)

    if reads.experiment is not None:
        experiment = reads.experiment

        @router.get(
            "/experiments/{experiment_id}",
            response_model=dict[str, Any],
            responses={404: {"description": "No such experiment"}},
        )
        def one_experiment(experiment_id: str, who: Admin) -> dict[str, Any]:
            """One experiment with its results per variant and its tests."""
            found = _answer(lambda: experiment(experiment_id))
            return _found(found, f"experiment {experiment_id}")

    return router


def paginate(items: list[dict[str, Any]], cursor: str | None, limit: int) -> Page:
    """A page of a short list the service returns whole (alerts, experiments)."""
    start = _offset(cursor)
    end = start + limit
    more = end < len(items)
    return Page(items=items[start:end], next_cursor=_cursor(end) if more else None)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("o:"):
            raise ValueError
        return max(0, int(text[2:]))
    except ValueError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Unknown cursor.") from None


def _answer(read: Callable[[], T]) -> T:
    try:
        return read()
    except UserFacingError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None


def _found(value: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if value is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"There is no {what}.")
    return value
