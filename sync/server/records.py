"""What a pushed record must look like to be projected (payments, credit notes ...).

Counters send their own snapshot dicts; these models check the fields the server's rules rely
on and ignore the rest, which is kept verbatim in `data`.
"""

import uuid
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

T = TypeVar("T", bound=BaseModel)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AllocationIn(_Payload):
    id: uuid.UUID
    bill_id: uuid.UUID | None = None
    service_charge_id: uuid.UUID | None = None
    installment_id: uuid.UUID | None = None
    amount_minor: int


class PaymentIn(_Payload):
    id: uuid.UUID
    terminal_id: uuid.UUID
    payment_number: str = Field(min_length=1, max_length=64)
    transaction_number: str = Field(min_length=1, max_length=64)
    receipt_number: str = Field(min_length=1, max_length=64)
    consumer_id: uuid.UUID
    currency: str = Field(min_length=3, max_length=3)
    amount_minor: int = Field(ge=0)
    status: str = Field(min_length=1, max_length=32)
    allocations: list[AllocationIn] = Field(default_factory=list)


class PaymentVoidIn(_Payload):
    payment_id: uuid.UUID
    status: str = Field(min_length=1, max_length=32)


class PaymentVerificationIn(_Payload):
    payment_id: uuid.UUID
    verification: str = Field(min_length=1, max_length=32)


class CreditNoteIn(_Payload):
    id: uuid.UUID
    number: str = Field(min_length=1, max_length=64)
    payment_id: uuid.UUID | None = None
    consumer_id: uuid.UUID
    amount_minor: int = Field(gt=0)
    currency: str = Field(min_length=3, max_length=3)
    status: str = Field(min_length=1, max_length=32)


class CreditNoteChangeIn(_Payload):
    """An application or an approval decision: both move a credit note's status."""

    credit_note_id: uuid.UUID
    status: str | None = Field(default=None, max_length=32)


class FlagResolutionIn(_Payload):
    """A supervisor's resolution of a server flag, made on a counter."""

    flag_id: uuid.UUID
    resolution: Literal["Credit note", "Refund", "No action"]
    note: str = Field(default="", max_length=500)
    credit_note_number: str | None = Field(default=None, max_length=64)
    resolved_by: str = Field(min_length=1, max_length=40)
    resolved_at: datetime


def parse(model: type[T], payload: dict[str, Any]) -> T:
    """The payload as `model`, or Rejected with the first problem in words."""
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        raise Rejected(f"bad payload: {where}: {first['msg']}") from None


class Rejected(Exception):
    """The record breaks a rule; the counter parks it with this reason."""

    @property
    def reason(self) -> str:
        return str(self.args[0])


class AlreadyStored(Exception):
    """The record's subject (e.g. the payment id) is already here, sent under another outbox id."""

    def __init__(self, same: bool) -> None:
        super().__init__("same" if same else "different")
        self.same = same
