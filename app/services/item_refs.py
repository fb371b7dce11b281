"""Resolve the references people type (INV-2025-001234, Late Fee, PP-2025-0034/1) to items."""

import uuid

from app.db.queries.dues import ItemRow
from app.domain.errors import UserFacingError
from app.services.unit_of_work import UnitOfWork

KIND_WORDS = {"bill": "bill", "service": "service charge", "installment": "installment"}


def matches(row: ItemRow, ref: str) -> bool:
    folded = ref.casefold()
    if row.reference.casefold() == folded:
        return True
    return row.kind == "service" and row.description.casefold() == folded


def resolve(
    uow: UnitOfWork, consumer_id: uuid.UUID, account: str, kind: str, refs: list[str]
) -> list[ItemRow]:
    """The consumer's unpaid items of this kind named by refs, in the order given."""
    cleaned = [r.strip() for r in refs if r and r.strip()]
    if not cleaned:
        raise UserFacingError(f"Select at least one unpaid {KIND_WORDS[kind]} to pay.")
    if len({r.casefold() for r in cleaned}) != len(cleaned):
        raise UserFacingError("The same item is selected twice.")
    upper = [r.upper() for r in cleaned]
    # A payment names items of its own kind: the other kinds are read only to explain a
    # reference that is not one (two statements fewer in the cashier's every payment).
    rows = uow.consumers.items_by_kind(consumer_id, kind, upper)
    if not all(any(matches(r, ref) for r in rows) for ref in cleaned):
        rows = uow.consumers.items(consumer_id, upper)
    chosen: list[ItemRow] = []
    for ref in cleaned:
        candidates = [r for r in rows if matches(r, ref)]
        of_kind = [r for r in candidates if r.kind == kind]
        unpaid = [r for r in of_kind if r.outstanding_minor > 0]
        if len(unpaid) > 1:
            raise UserFacingError(
                f"'{ref}' matches more than one unpaid {KIND_WORDS[kind]}: use its number "
                f"({', '.join(r.reference for r in unpaid)})."
            )
        if unpaid:
            chosen.append(unpaid[0])
        elif of_kind:
            raise UserFacingError(f"{of_kind[0].reference} is already paid in full.")
        elif candidates:
            raise UserFacingError(
                f"{ref} is a {KIND_WORDS[candidates[0].kind]}, not a {KIND_WORDS[kind]}: "
                "choose the matching payment type."
            )
        else:
            raise UserFacingError(f"Account {account} has no {KIND_WORDS[kind]} '{ref}'.")
    if len({r.item_id for r in chosen}) != len(chosen):
        raise UserFacingError("The same item is selected twice.")
    return chosen
