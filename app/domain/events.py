"""Domain events: what a use case did that other work follows from, collected by the unit of
work and handled when it commits (in the same transaction)."""

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class DomainEvent:
    """Base of every event; handlers are looked up by the event's class."""


@dataclass(frozen=True)
class PaymentRecorded(DomainEvent):
    """A counter payment was posted: its receipt may print by itself."""

    receipt_number: str
    user_id: uuid.UUID | None


@dataclass(frozen=True)
class CreditNoteActivated(DomainEvent):
    """A credit note became usable credit (made Active, or approved): it may print by itself."""

    number: str
    user_id: uuid.UUID | None
