"""A counter database's reference data as plain rows, for seeding the central server.

The counter's built-in `admin` user is left out: every counter creates its own at `init`.

`tilldesk server demo` builds the spec's sample (John Doe, the staff, the settings) in a
throwaway counter file with the same code the counter uses, then hands these rows to the
server, so both hold the same John Doe, bills and PIN hashes.
"""

import json
from typing import Any

from sqlalchemy import select

from app.db.database import Database
from app.db.tables import Bill, Consumer, Installment, PaymentPlan, ServiceCharge, Setting, User

BUILT_IN_ADMIN = "admin"
TABLES = {
    "user": User,
    "consumer": Consumer,
    "bill": Bill,
    "service_charge": ServiceCharge,
    "payment_plan": PaymentPlan,
    "installment": Installment,
}


def export_reference(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Rows shaped like the counter's tables: {"consumer": [{"id": ..., ...}], ...}."""
    exported: dict[str, list[dict[str, Any]]] = {}
    with db.read() as uow:
        for entity, model in TABLES.items():
            columns = model.__table__.columns
            exported[entity] = [
                {column.name: getattr(row, column.key) for column in columns}
                for row in uow.session.scalars(select(model))
                if not (model is User and row.username == BUILT_IN_ADMIN)
            ]
        exported["setting"] = [
            {"key": row.key, "value": json.loads(row.value_json)}
            for row in uow.session.scalars(select(Setting))
        ]
    return exported
