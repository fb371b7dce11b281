"""The reference data the server owns, as plain rows shaped like the counter's tables."""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import Bill, Consumer, Installment, PaymentPlan, ServiceCharge, Setting, User

TABLES: dict[str, Any] = {
    "user": User,
    "consumer": Consumer,
    "bill": Bill,
    "service_charge": ServiceCharge,
    "payment_plan": PaymentPlan,
    "installment": Installment,
}
ENTITIES = tuple(TABLES)  # in the order the server loads them (a row's parents first)


class ReferenceDataRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def rows(self, entity: str) -> list[dict[str, Any]]:
        """Every row of one entity (a key of TABLES), column name to value."""
        model = TABLES[entity]
        columns = model.__table__.columns
        return [
            {column.name: getattr(row, column.key) for column in columns}
            for row in self.session.scalars(select(model))
        ]

    def settings(self) -> list[dict[str, Any]]:
        return [
            {"key": row.key, "value": json.loads(row.value_json)}
            for row in self.session.scalars(select(Setting))
        ]
