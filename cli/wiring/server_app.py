"""The central server's app as `tilldesk server run` serves it: the sync API plus the routes of
the recovery areas, each wired here to its services (sync.server never imports app.services)."""

import gc

from fastapi import APIRouter, FastAPI

from cli.wiring import (
    server_disputes,
    server_integration,
    server_messaging,
    server_payment_links,
    server_plan_offers,
    server_plans,
    server_recovery_feed,
    server_recovery_intake,
    server_smart_collect,
)
from cli.wiring.server_options import ServerOptions
from sync.server.app import create_app


def extra_routers(options: ServerOptions) -> list[APIRouter]:
    routers: list[APIRouter] = []
    for area in (
        server_messaging,
        server_payment_links,
        server_smart_collect,
        server_integration,
        server_recovery_intake,
        server_recovery_feed,
        server_plan_offers,
    ):
        routers += area.routers(options)
    return routers


def build_app(options: ServerOptions) -> FastAPI:
    hooks = server_recovery_intake.event_hooks(options)
    app = create_app(options.db_url, routers=extra_routers(options), event_hooks=hooks)
    server_disputes.install(app, options)  # disputes and circumstances reach recovery
    server_recovery_feed.install(app, options)  # counter payments settle cases; cases published
    server_plans.install(app, options)  # plan notices, disconnection reviews, missed installments
    server_payment_links.install(app, options)  # checkouts of cases paid elsewhere expire
    return app


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory`: $TILLDESK_SERVER_DB, and $TILLDESK_RECOVERY_DB when set."""
    app = build_app(ServerOptions.from_environment())
    # What start-up made lives as long as the process: out of the collector's sight, a push
    # of 500 payments no longer pays for full collections that walk every module and model.
    gc.freeze()
    return app
