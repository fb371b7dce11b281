"""A counter database's reference data as plain rows, for seeding the central server.

The counter's built-in `admin` user is left out: every counter creates its own at `init`.

`tilldesk server demo` builds the spec's sample (John Doe, the staff, the settings) in a
throwaway counter file with the same code the counter uses, then hands these rows to the
server, so both hold the same John Doe, bills and PIN hashes.
"""

from typing import Any

from app.db.database import Database
from app.db.repositories.reference_data import ENTITIES
from app.services.unit_of_work import UnitOfWork

BUILT_IN_ADMIN = "admin"


def export_reference(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Rows shaped like the counter's tables: {"consumer": [{"id": ..., ...}], ...}."""
    return reference_rows(db.read())


def reference_rows(uow: UnitOfWork) -> dict[str, list[dict[str, Any]]]:
    """The same, from any unit of work (the built-in admin left out)."""
    exported: dict[str, list[dict[str, Any]]] = {}
    with uow:
        for entity in ENTITIES:
            exported[entity] = [
                row
                for row in uow.reference_data.rows(entity)
                if not (entity == "user" and row["username"] == BUILT_IN_ADMIN)
            ]
        exported["setting"] = uow.reference_data.settings()
    return exported
