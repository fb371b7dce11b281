"""Follow-up work run when a unit of work commits: handlers of the domain events it collected.

The table is filled once by the service layer (app.services.follow_up), which owns the
handlers; this module only runs them, so the database layer never imports a use case.
"""

from collections.abc import Callable
from typing import Any

from app.domain.events import DomainEvent

Handler = Callable[[Any, Any], None]  # (unit of work, event)

_HANDLERS: dict[type[DomainEvent], tuple[Handler, ...]] = {}


def install(handlers: dict[type[DomainEvent], tuple[Handler, ...]]) -> None:
    """Set what runs for each kind of event (replacing any table set before)."""
    _HANDLERS.clear()
    _HANDLERS.update(handlers)


def run(uow: object, events: list[DomainEvent]) -> None:
    """Handle the events in the order they were collected; an event a handler collects in
    turn is handled too. Each event is taken off the list before its handlers run."""
    while events:
        event = events.pop(0)
        for handler in _HANDLERS.get(type(event), ()):
            handler(uow, event)
