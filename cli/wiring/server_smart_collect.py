"""The central server's smart_collect routes, wired to the recovery database (composition root)."""

from typing import Any

from fastapi import APIRouter

from cli.wiring.server_options import ServerOptions


def routers(options: ServerOptions) -> list[APIRouter]:
    """This area's routers for the server app (none when the area is not configured)."""
    if not options.recovery_db:
        return []
    from app.domain.errors import UserFacingError
    from app.services.recovery_database import recovery_db_url, shared_recovery_database
    from app.services.smart_collect import smart_collect_view, view_as_dict
    from app.services.smart_collect_actions import attempt_now, reschedule_to_window
    from app.services.smart_collect_data import UnknownConsumer, read_consumer
    from sync.server.smart_collect_routes import SmartCollectActions, smart_collect_router

    engine = shared_recovery_database(recovery_db_url(options.recovery_db))

    def view(consumer: str) -> dict[str, Any] | None:
        try:
            return view_as_dict(smart_collect_view(engine, consumer, options.clock()))
        except UnknownConsumer:
            return None

    def act(action: Any) -> Any:
        def run(consumer: str, case_id: str, who: str) -> dict[str, Any]:
            if case_id not in {c["id"] for c in read_consumer(engine, consumer).cases}:
                raise UserFacingError(f"Consumer {consumer} has no case {case_id}.")
            now = options.clock()
            result = action(engine, case_id, who, now)
            return {
                "next_at": result.next_at.isoformat(),
                "updated_at": now.isoformat(),
                "reason": result.reason,
                "optimal_window_used": result.optimal_window_used,
            }

        return run

    actions = SmartCollectActions(view, act(reschedule_to_window), act(attempt_now))
    return [smart_collect_router(actions)]
