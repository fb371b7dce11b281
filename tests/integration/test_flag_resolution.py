"""A supervisor resolves a server flag (a bill paid at two counters): the rules for each way,
the audit event, the outbox record the server receives, and the pulled flag afterwards."""

import json
import uuid

import pytest
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import AuditEvent, OutboxRecord, SyncFlag
from app.domain.errors import PermissionDenied, UserFacingError
from app.services.credit_notes import create_credit_note
from app.services.record_payment import PaymentRequest, record_payment
from app.services.sync_flags import resolve_flag
from app.services.sync_status import sync_issues, sync_status
from sync.client.apply import apply_changes
from sync.protocol import Change

FLAG_KEY = "0196a1b2-0000-7000-8000-00000000f1a9"


def pay(db: Database) -> tuple[str, str]:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        username="jsmith",
    )
    paid = record_payment(db.unit_of_work(), request)
    return paid.receipt_number, str(paid.payment_id)


def flag_overpayment(db: Database, payment_id: str, key: str = FLAG_KEY) -> None:
    """The flag as the server publishes it when a second counter paid the same bill."""
    data = {
        "id": key,
        "kind": "overpayment",
        "subject": "bill:b1",
        "detail": {
            "invoice_number": "INV-2025-001234",
            "amount_minor": 14550,
            "paid_minor": 29100,
            "overpaid_minor": 14550,
            "payments": [
                {"payment_id": payment_id, "receipt_number": "R-1", "amount_minor": 14550},
                {"payment_id": str(uuid.uuid4()), "receipt_number": "R-T02", "amount_minor": 14550},
            ],
            "reason": "the bill was paid more than once (for example at two counters)",
        },
        "created_at": "2025-04-20T13:00:00+00:00",
        "updated_at": "2025-04-20T13:00:00+00:00",
        "resolved_at": None,
    }
    pull(db, [Change(seq=1, entity="flag", key=key, op="upsert", data=data)])


def pull(db: Database, changes: list[Change]) -> None:
    with db.unit_of_work() as uow:
        apply_changes(uow.session, changes, uuid.uuid4())
        uow.commit()


def open_flags(db: Database) -> list[str]:
    return [i.key for i in sync_issues(db.read()) if i.resolvable]


def outbox(db: Database) -> list[dict]:
    with db.read() as uow:
        rows = uow.session.scalars(
            select(OutboxRecord).where(OutboxRecord.entity == "flag_resolution")
        ).all()
        return [{"entity_id": str(r.entity_id), **json.loads(r.payload_json)} for r in rows]


@pytest.fixture
def flagged(db: Database) -> tuple[Database, str]:
    receipt, payment_id = pay(db)
    flag_overpayment(db, payment_id)
    return db, receipt


def test_a_credit_note_made_from_the_payment_resolves_the_flag(flagged) -> None:
    db, receipt = flagged
    note = create_credit_note(
        db.unit_of_work(), receipt=receipt, amount="45.50", reason="Other", username="mbrown"
    ).number
    assert open_flags(db) == [FLAG_KEY]
    assert sync_status(db.read()).server_flag_count == 1

    resolved = resolve_flag(
        db.unit_of_work(), "mbrown", FLAG_KEY, "Credit note", "", credit_note_number=note.lower()
    )

    assert (resolved.resolution, resolved.credit_note_number) == ("Credit note", note)
    assert open_flags(db) == []
    assert sync_status(db.read()).server_flag_count == 0
    [sent] = outbox(db)
    assert sent["entity_id"] == FLAG_KEY
    assert sent == {
        "entity_id": FLAG_KEY,
        "flag_id": FLAG_KEY,
        "resolution": "Credit note",
        "note": "",
        "credit_note_number": note,
        "resolved_by": "mbrown",
        "resolved_at": "2025-04-20T14:00:00+00:00",
    }
    with db.read() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sync.flag_resolved")
        ).one()
        assert event.entity_id == FLAG_KEY
        assert json.loads(event.after_json)["credit_note_number"] == note


def test_a_refund_needs_its_reference_and_no_action_needs_a_reason(flagged) -> None:
    db, _ = flagged
    with pytest.raises(UserFacingError, match="refund reference"):
        resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "Refund", "   ")
    with pytest.raises(UserFacingError, match="at least 10 characters"):
        resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "No action", "dup")
    assert open_flags(db) == [FLAG_KEY] and outbox(db) == []

    resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "Refund", "  RF-2025-0042 ")

    assert [(o["resolution"], o["note"]) for o in outbox(db)] == [("Refund", "RF-2025-0042")]


def test_a_credit_note_must_exist_here_and_be_for_a_flagged_payment(db) -> None:
    receipt, payment_id = pay(db)
    other_receipt, _ = pay_other_bill(db)
    flag_overpayment(db, payment_id)
    other_note = create_credit_note(
        db.unit_of_work(), receipt=other_receipt, amount="5.00", reason="Other", username="mbrown"
    ).number

    with pytest.raises(UserFacingError, match="Enter the number"):
        resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "Credit note", "")
    with pytest.raises(UserFacingError, match="No credit note CN-NOPE"):
        resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "Credit note", "", "CN-NOPE")
    with pytest.raises(UserFacingError, match="another payment"):
        resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "Credit note", "", other_note)

    assert open_flags(db) == [FLAG_KEY] and outbox(db) == []
    assert receipt


def pay_other_bill(db: Database) -> tuple[str, str]:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Service",
        items=("SC-2025-000087",),
        method="Cash",
        amount="25.00",
        username="jsmith",
    )
    paid = record_payment(db.unit_of_work(), request)
    return paid.receipt_number, str(paid.payment_id)


def test_a_cashier_may_not_resolve_and_unknown_or_resolved_flags_are_refused(flagged) -> None:
    db, _ = flagged
    reason = "Customer agreed to keep it as advance"
    with pytest.raises(PermissionDenied):
        resolve_flag(db.unit_of_work(), "jsmith", FLAG_KEY, "No action", reason)
    with pytest.raises(UserFacingError, match="no longer on this counter"):
        resolve_flag(db.unit_of_work(), "mbrown", str(uuid.uuid4()), "No action", reason)
    with pytest.raises(UserFacingError, match="Unknown resolution"):
        resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "Write off", reason)

    resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "No action", reason)
    with pytest.raises(UserFacingError, match=r"already resolved \(No action\)"):
        resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "Refund", "RF-1")

    assert len(outbox(db)) == 1


def test_a_pull_never_reopens_a_resolution_not_yet_sent(flagged) -> None:
    db, _ = flagged
    with db.read() as uow:
        payment_id = json.loads(uow.session.get(SyncFlag, FLAG_KEY).data_json)["payments"][0]
    resolve_flag(db.unit_of_work(), "mbrown", FLAG_KEY, "Refund", "RF-2025-0042")

    flag_overpayment(db, payment_id["payment_id"])  # the server's older, open view

    assert open_flags(db) == []
    with db.read() as uow:
        assert uow.session.get(SyncFlag, FLAG_KEY).resolution == "Refund"


def test_a_flag_another_counter_resolved_arrives_resolved_and_leaves_the_open_list(db) -> None:
    _, payment_id = pay(db)
    flag_overpayment(db, payment_id)
    resolved = {
        "id": FLAG_KEY,
        "kind": "overpayment",
        "subject": "bill:b1",
        "detail": {
            "invoice_number": "INV-2025-001234",
            "resolution": {"resolution": "Refund", "note": "RF-9", "terminal_code": "T02"},
        },
        "created_at": "2025-04-20T13:00:00+00:00",
        "updated_at": "2025-04-20T13:30:00+00:00",
        "resolved_at": "2025-04-20T13:30:00+00:00",
    }

    pull(db, [Change(seq=2, entity="flag", key=FLAG_KEY, op="upsert", data=resolved)])

    assert open_flags(db) == []
    with db.read() as uow:
        flag = uow.session.get(SyncFlag, FLAG_KEY)
        assert flag.resolution == "Refund"
        assert json.loads(flag.resolution_json)["terminal_code"] == "T02"
