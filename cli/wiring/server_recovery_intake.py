"""Failed payments the central server hears of (gateway webhooks and polling) open recovery
cases, when the server is given the recovery database ($TILLDESK_RECOVERY_DB)."""

from collections.abc import Mapping
from datetime import datetime

from fastapi import APIRouter

from cli.wiring.server_options import ServerOptions
from sync.gateways.adapters.base import GatewayAdapter
from sync.gateways.events import GatewayEvent
from sync.gateways.razorpay_events import RecurringFailure
from sync.server.keys import keyring_secret
from sync.server.recurring_webhooks import razorpay_router
from sync.server.webhooks import EventHook


def event_hooks(options: ServerOptions) -> list[EventHook]:
    if not options.recovery_db:
        return []
    return [intake_hook(options.recovery_db)]


def intake_hook(recovery_db: str) -> EventHook:
    from app.services.recovery_database import recovery_db_url, shared_recovery_database
    from sync.recovery.intake import intake_events

    engine = shared_recovery_database(recovery_db_url(recovery_db))

    def hook(event: GatewayEvent) -> None:
        if event.kind == "payment" and event.status == "Failed":
            intake_events(engine, "gateway", [event])  # keyed by (gateway, external id): once

    return hook


def failed_sales_to_recovery(
    recovery_db: str, adapters: Mapping[str, GatewayAdapter], since: datetime
) -> dict[str, int]:
    """`server poll`'s round for recovery: the gateways' failed sales since `since` as cases."""
    from app.services.recovery_database import recovery_db_url, shared_recovery_database
    from sync.recovery.intake import intake_failed_since

    engine = shared_recovery_database(recovery_db_url(recovery_db))
    return intake_failed_since(engine, adapters, since)


def routers(options: ServerOptions) -> list[APIRouter]:
    """The e-NACH / UPI AutoPay webhook: only where failures have a recovery database to go."""
    if not options.recovery_db:
        return []
    from app.services.recovery_database import recovery_db_url, shared_recovery_database
    from app.services.recovery_intake import intake
    from sync.recovery.intake import failure_from_recurring

    engine = shared_recovery_database(recovery_db_url(options.recovery_db))

    def record(failure: RecurringFailure) -> None:
        intake(engine, "razorpay", [failure_from_recurring(failure)])

    return [razorpay_router(keyring_secret, record)]
