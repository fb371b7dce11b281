"""Disputes and special circumstances at one counter (real SQLite file): recorded with who and
when, audited and queued for the server in the same transaction; wrong input writes nothing."""

import json

import pytest
from sqlalchemy import func, select

from app.db.tables import AuditEvent, Dispute, OutboxRecord
from app.domain.errors import PermissionDenied, UserFacingError
from app.services.circumstances import CircumstancesRequest, circumstances_of, set_circumstances
from app.services.disputes import disputes_of, open_dispute, update_dispute
from app.services.record_payment import PaymentRequest, record_payment


def _pay(db) -> str:
    return record_payment(
        db.unit_of_work(),
        PaymentRequest(
            account_number="WU-10001", payment_type="Bill", items=("INV-2025-001234",),
            method="Cash", amount="20.00", username="jsmith",
        ),
    ).receipt_number  # fmt: skip


def _outbox(db, entity: str) -> list[dict]:
    with db.read() as uow:
        rows = uow.session.scalars(
            select(OutboxRecord.payload_json)
            .where(OutboxRecord.entity == entity)
            .order_by(OutboxRecord.created_at)
        )
        return [json.loads(r) for r in rows]


def _count(db, table) -> int:
    with db.read() as uow:
        return uow.session.scalar(select(func.count()).select_from(table))


def test_a_cashier_records_a_dispute_on_a_bill_and_a_manager_resolves_it(db, clock) -> None:
    opened = open_dispute(
        db.unit_of_work(), account_number="WU-10001", subject="bill", number="INV-2025-001234",
        reason="Meter read twice in March", owner="rpatel", username="jsmith",
    )  # fmt: skip
    assert (opened.status_words, opened.subject_number, opened.opened_by) == (
        "Open", "INV-2025-001234", "jsmith",
    )  # fmt: skip
    with pytest.raises(UserFacingError, match="already has an open dispute"):
        open_dispute(
            db.unit_of_work(), account_number="WU-10001", subject="bill",
            number="INV-2025-001234", reason="again", username="jsmith",
        )  # fmt: skip
    with pytest.raises(PermissionDenied, match="may not resolve or reject disputes"):
        update_dispute(
            db.unit_of_work(), dispute_ref=opened.short_id, status="resolved",
            resolution="credit note", username="jsmith",
        )  # fmt: skip
    with pytest.raises(UserFacingError, match="needs a resolution"):
        update_dispute(
            db.unit_of_work(), dispute_ref=opened.short_id, status="resolved", username="mbrown"
        )
    update_dispute(
        db.unit_of_work(), dispute_ref=opened.short_id, status="under review", username="jsmith"
    )
    clock.advance(minutes=5)
    done = update_dispute(
        db.unit_of_work(), dispute_ref=str(opened.id), status="resolved",
        resolution="Re-read: 12.40 credited", username="mbrown",
    )  # fmt: skip

    assert (done.status_words, done.resolution, done.updated_by) == (
        "Resolved", "Re-read: 12.40 credited", "mbrown",
    )  # fmt: skip
    assert done.resolved_at is not None and not done.active
    assert [d.status for d in disputes_of(db.read(), "WU-10001")] == ["resolved"]
    sent = _outbox(db, "dispute")
    assert [(s["status"], s["version"]) for s in sent] == [
        ("open", 1), ("under_review", 2), ("resolved", 3),
    ]  # fmt: skip
    with db.read() as uow:
        actions = list(
            uow.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity == "dispute")
                .order_by(AuditEvent.occurred_at)
            )
        )
    assert actions == ["dispute.opened", "dispute.under_review", "dispute.resolved"]
    with pytest.raises(UserFacingError, match="open a new dispute instead"):
        update_dispute(
            db.unit_of_work(), dispute_ref=opened.short_id, status="open", username="mbrown"
        )


def test_a_dispute_on_a_payment_names_its_payment_number(db) -> None:
    receipt = _pay(db)
    opened = open_dispute(
        db.unit_of_work(), account_number="WU-10001", subject="payment", number=receipt,
        reason="Paid twice", username="jsmith",
    )  # fmt: skip
    assert opened.subject == "payment" and opened.subject_number.startswith("PAY-")


def test_nothing_is_written_for_a_dispute_without_a_reason(db) -> None:
    before = (_count(db, Dispute), _count(db, OutboxRecord), _count(db, AuditEvent))
    with pytest.raises(UserFacingError, match="Say what the consumer disputes"):
        open_dispute(
            db.unit_of_work(), account_number="WU-10001", subject="bill",
            number="INV-2025-001234", reason="  ", username="jsmith",
        )  # fmt: skip
    with pytest.raises(UserFacingError, match="No bill with invoice number"):
        open_dispute(
            db.unit_of_work(), account_number="WU-10001", subject="bill", number="INV-9",
            reason="x", username="jsmith",
        )  # fmt: skip
    assert (_count(db, Dispute), _count(db, OutboxRecord), _count(db, AuditEvent)) == before


def test_circumstances_and_preferences_keep_who_set_them(db) -> None:
    assert circumstances_of(db.read(), "WU-10001").words == "None recorded"
    saved = set_circumstances(
        db.unit_of_work(),
        CircumstancesRequest(
            "WU-10001", ("medical", "Hardship"), note="Hospital stay until May",
            preferred_channel="sms", preferred_from="17:00", preferred_until="20:00",
            language="es",
        ),
        username="jsmith",
    )  # fmt: skip
    assert saved.words == "Medical, Financial hardship" and saved.needs_review
    assert (saved.set_by, saved.preferred_channel, saved.language) == ("jsmith", "sms", "es")
    assert _outbox(db, "consumer_circumstances")[-1]["circumstances"] == ["medical", "hardship"]
    with pytest.raises(UserFacingError, match="two times like 09:00"):
        set_circumstances(
            db.unit_of_work(),
            CircumstancesRequest("WU-10001", (), preferred_from="25:00", preferred_until="x"),
            username="jsmith",
        )
    assert circumstances_of(db.read(), "WU-10001").needs_review  # unchanged
