"""The server trusts nothing a terminal pushes: each record passes the counter's own rules, its
numbers belong to the pusher's series, and another terminal's records change only with a
supervisor's signed approval. A refused record is answered with the reason, never published."""

import uuid
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import func, insert, select

from app.domain.approvals import sign_approval
from app.domain.record_rules import check_payment
from sync.server import reference
from sync.server.tables import flags, payment_allocations, payments, server_events
from tests.server.records import outcomes, payment, record

_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
NOW = datetime.now(UTC)


def _feed(counter, entity=None):
    return [c for c in counter.pull_all() if entity is None or c["entity"] == entity]


def _reason(answer) -> str:
    assert outcomes(answer) == ["rejected"], answer
    return answer["results"][0]["reason"]


def _add_bill(server, sample, invoice: str, amount_minor: int) -> uuid.UUID:
    bill_id = uuid.uuid4()
    row = {
        "id": bill_id,
        "consumer_id": sample.consumer_id,
        "invoice_number": invoice,
        "period_label": "Apr 2025",
        "amount_minor": amount_minor,
        "issued_on": "2025-04-01",
        "due_date": "2025-04-25",
    }
    reference.put(server.engine, {"bill": [row]}, NOW)
    return bill_id


def _add_user(server, username: str, role: str, pin: str = "2468", active: bool = True):
    user = {
        "id": uuid.uuid4(),
        "username": username,
        "full_name": username.title(),
        "role": role,
        "secret_hash": _HASHER.hash(pin),
        "active": active,
        "created_at": "2025-01-01T00:00:00+00:00",
    }
    reference.put(server.engine, {"user": [user]}, NOW)
    return user


def test_a_cash_payment_that_does_not_balance_is_rejected_and_every_pull_stays_healthy(
    server, sample
):
    t01, t02 = server.register("T01"), server.register("T02")
    broken = payment(t01, sample, 1, 1)
    broken["payload"] |= {"tendered_minor": 100, "change_minor": 0}
    before = _feed(t02)

    reason = _reason(t01.push([broken]))

    assert "tendered 100 is not amount 1 plus change 0" in reason
    after = _feed(t02)
    assert after == before  # nothing reached the feed
    newcomer = server.register("T03")
    pulled = [c["data"] for c in _feed(newcomer, "payment")]
    assert pulled == []
    good = payment(t01, sample, 2, 14550)
    assert outcomes(t01.push([good])) == ["stored"]
    for data in (c["data"] for c in _feed(newcomer, "payment")):
        check_payment(data, currency="USD", now=datetime.now(UTC))


def test_a_terminal_cannot_take_numbers_from_another_terminals_series(server, sample):
    t01, t02 = server.register("T01"), server.register("T02")
    squatter = payment(t02, sample, 4, 5000)
    squatter["payload"] |= {
        "payment_number": "PAY-2025-T01-000004",
        "transaction_number": "TXN-2025-T01-000004",
        "receipt_number": "R-T01-0004",
    }
    receipt_only = payment(t02, sample, 5, 5000)
    receipt_only["payload"]["receipt_number"] = "R-T01-0004"

    first, second = t02.push([squatter]), t02.push([receipt_only])
    real = t01.push([payment(t01, sample, 4, 5000)])

    assert "payment number PAY-2025-T01-000004 is not in terminal T02's series" in _reason(first)
    assert "receipt number R-T01-0004 is not in terminal T02's series" in _reason(second)
    assert outcomes(real) == ["stored"]
    receipts = [c["data"]["receipt_number"] for c in _feed(t02, "payment")]
    assert receipts == ["R-T01-0004"]


def test_the_series_follow_the_number_formats_in_the_servers_settings(server, sample):
    formats = {
        "payment": "P{TERM}{SEQ:3}",
        "transaction": "X{TERM}{SEQ:3}",
        "receipt": "{TERM}/{SEQ:2}",
        "credit_note": "C{TERM}{SEQ:3}",
    }
    reference.put(server.engine, {"setting": [{"key": "number_formats", "value": formats}]}, NOW)
    t01 = server.register("T01")
    default_numbers = payment(t01, sample, 1, 5000)
    own = payment(t01, sample, 2, 5000)
    own["payload"] |= {
        "payment_number": "PT01002",
        "transaction_number": "XT01002",
        "receipt_number": "T01/02",
    }

    assert "not in terminal T01's series (P{TERM}{SEQ:3})" in _reason(t01.push([default_numbers]))
    assert outcomes(t01.push([own])) == ["stored"]


def test_allocations_that_are_negative_or_beyond_the_payment_are_rejected(server, sample):
    t01 = server.register("T01")
    bill = _add_bill(server, sample, "INV-2025-004400", 17576)
    negative = payment(t01, sample, 1, 17576, bill_id=bill)
    negative["payload"]["allocations"].insert(
        0, {**negative["payload"]["allocations"][0], "id": str(uuid.uuid4())}
    )
    negative["payload"]["allocations"][0]["amount_minor"] = -1_000_000
    huge = payment(t01, sample, 2, 1, bill_id=bill)
    huge["payload"]["allocations"][0]["amount_minor"] = 99_999_999
    beyond_bill = payment(t01, sample, 3, 20000, bill_id=bill)

    answers = [t01.push([r]) for r in (negative, huge, beyond_bill)]

    reasons = [_reason(a) for a in answers]
    assert "-1000000 is negative" in reasons[0]
    assert "allocations 99999999 plus overpaid 0 do not add up to the amount 1" in reasons[1]
    assert "20000 is more than the 17576 the item allows" in reasons[2]
    with server.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(payment_allocations)) == 0
    assert _feed(t01, "payment") == []


def test_a_negative_allocation_stored_earlier_no_longer_hides_an_overpayment(server, sample):
    """Before the server checked allocations one was stored at -1,000,000; the flag sum must
    count only real (positive) allocations of payments that stand."""
    t01, t02 = server.register("T01"), server.register("T02")
    with server.engine.begin() as conn:
        legacy = uuid.uuid4()
        conn.execute(
            insert(payments).values(
                id=legacy,
                terminal_id=t01.terminal_id,
                payment_number="PAY-2025-T01-000099",
                transaction_number="TXN-2025-T01-000099",
                receipt_number="R-T01-0099",
                consumer_id=sample.consumer_id,
                amount_minor=1,
                currency="USD",
                status="Posted",
                verification="Verified",
                settlement_status="N/A",
                source="counter",
                data={},
                received_at=NOW,
                updated_at=NOW,
            )
        )
        conn.execute(
            insert(payment_allocations).values(
                id=uuid.uuid4(), payment_id=legacy, bill_id=sample.bill_id, amount_minor=-1_000_000
            )
        )

    t01.push([payment(t01, sample, 1, 14550)])
    second = t02.push([payment(t02, sample, 1, 14550)])

    assert second["results"][0]["flags"] == ["overpayment"]
    with server.engine.connect() as conn:
        flag = conn.execute(select(flags)).one()
    assert (flag.detail["paid_minor"], flag.detail["overpaid_minor"]) == (29100, 14550)


def _void(paid, by, approval=None):
    payload = {
        "payment_id": paid["entity_id"],
        "status": "Voided",
        "reason": "wrong account",
        "voided_at": datetime.now(UTC).isoformat(),
        "voided_by": str(by),
    }
    if approval is not None:
        payload["approval"] = approval
    return record("payment_void", uuid.UUID(paid["entity_id"]), payload)


def _approval(user, entity, subject, action, **changes):
    block = sign_approval(
        user["secret_hash"],
        entity=entity,
        subject_id=uuid.UUID(str(subject)),
        action=action,
        approved_by=user["id"],
        approved_at=datetime.now(UTC),
    )
    return block | changes


def test_another_terminals_payment_is_voided_only_with_a_supervisors_signed_approval(
    server, sample
):
    t01, t02 = server.register("T01"), server.register("T02")
    manager = _add_user(server, "mbrown", "billing_manager")
    cashier = _add_user(server, "jsmith", "cashier")
    retired = _add_user(server, "oldboss", "admin", active=False)
    paid = payment(t01, sample, 1, 14550)
    t01.push([paid])
    subject = paid["entity_id"]

    bare = t02.push([_void(paid, manager["id"])])
    by_cashier = t02.push(
        [_void(paid, cashier["id"], _approval(cashier, "payment", subject, "void"))]
    )
    by_retired = t02.push(
        [_void(paid, retired["id"], _approval(retired, "payment", subject, "void"))]
    )
    forged = _approval(manager, "payment", subject, "void", signature="0" * 64)
    with_forgery = t02.push([_void(paid, manager["id"], forged)])
    elsewhere = _approval(manager, "payment", uuid.uuid4(), "void")
    moved = t02.push([_void(paid, manager["id"], elsewhere)])

    assert "only with a supervisor's signed approval" in _reason(bare)
    assert "jsmith is a cashier, not a supervisor" in _reason(by_cashier)
    assert "oldboss is disabled" in _reason(by_retired)
    assert "signature does not match" in _reason(with_forgery)
    assert "signature does not match" in _reason(moved)
    assert _feed(t02, "payment")[-1]["data"]["status"] == "Posted"

    approved = _approval(manager, "payment", subject, "void")
    answer = t02.push([_void(paid, manager["id"], approved)])

    assert outcomes(answer) == ["stored"]
    latest = _feed(t01, "payment")[-1]["data"]
    assert latest["status"] == "Voided"
    assert latest["void_approval"]["approved_by"] == str(manager["id"])
    assert latest["void_approval"]["approver_username"] == "mbrown"
    assert latest["void_approval"]["signature"] == approved["signature"]
    assert latest["void_approval"]["terminal_code"] == "T02"
    with server.engine.connect() as conn:
        event = conn.execute(
            select(server_events).where(server_events.c.action == "payment.void_approved")
        ).one()
    assert (event.actor, event.detail["subject_id"]) == ("mbrown", subject)


def test_a_terminal_voids_its_own_payment_without_an_approval(server, sample):
    t01 = server.register("T01")
    paid = payment(t01, sample, 1, 14550)
    t01.push([paid])

    assert outcomes(t01.push([_void(paid, uuid.uuid4())])) == ["stored"]
    assert outcomes(t01.push([_void(paid, uuid.uuid4())])) == ["rejected"]  # already voided


def test_an_online_payment_is_verified_only_with_a_supervisors_signed_approval(server, sample):
    t01 = server.register("T01")
    manager = _add_user(server, "mbrown", "billing_manager")
    online_id = uuid.uuid4()
    with server.engine.begin() as conn:
        conn.execute(
            insert(payments).values(
                id=online_id,
                terminal_id=None,
                consumer_id=sample.consumer_id,
                amount_minor=500,
                currency="USD",
                status="Posted",
                verification="Pending",
                settlement_status="In Progress",
                source="online",
                gateway="stripe",
                external_id="pi_42",
                data={"id": str(online_id), "source": "online", "verification": "Pending"},
                received_at=NOW,
                updated_at=NOW,
            )
        )

    def verification(approval=None):
        payload = {
            "payment_id": str(online_id),
            "verification": "Verified",
            "verified_at": datetime.now(UTC).isoformat(),
            "verified_by": str(manager["id"]),
        }
        if approval:
            payload["approval"] = approval
        return record("payment_verification", online_id, payload)

    bare = t01.push([verification()])
    signed = t01.push([verification(_approval(manager, "payment", online_id, "verify"))])

    assert "no terminal (an online payment)" in _reason(bare)
    assert outcomes(signed) == ["stored"]
    data = _feed(t01, "payment")[-1]["data"]
    assert data["verification"] == "Verified"
    assert data["verify_approval"]["approver_username"] == "mbrown"


def _pending_note(counter, sample, paid, seq=1):
    note_id = uuid.uuid4()
    return record(
        "credit_note",
        note_id,
        {
            "id": str(note_id),
            "number": f"CN-{counter.code}-{seq:05d}",
            "payment_id": paid["entity_id"],
            "receipt_number": paid["payload"]["receipt_number"],
            "consumer_id": str(sample.consumer_id),
            "amount_minor": 12000,
            "currency": "USD",
            "reason": "Billing Error",
            "remarks": None,
            "created_by": str(uuid.uuid4()),
            "created_at": "2025-04-20T14:00:00+00:00",
            "expires_on": "2026-04-20",
            "status": "Pending Approval",
        },
    )


def test_another_terminals_credit_note_is_decided_only_with_a_signed_approval(server, sample):
    t01, t02 = server.register("T01"), server.register("T02")
    manager = _add_user(server, "mbrown", "billing_manager")
    paid = payment(t01, sample, 1, 14550)
    note = _pending_note(t01, sample, paid)
    assert outcomes(t01.push([paid, note])) == ["stored", "stored"]

    def decision(approval=None):
        decision_id = uuid.uuid4()
        payload = {
            "id": str(decision_id),
            "credit_note_id": note["entity_id"],
            "number": note["payload"]["number"],
            "decision": "approved",
            "status": "Active",
            "reason": None,
            "decided_by": str(manager["id"]),
            "decided_at": datetime.now(UTC).isoformat(),
        }
        if approval:
            payload["approval"] = approval
        return record("credit_note_decision", decision_id, payload)

    bare = t02.push([decision()])
    signed = t02.push([decision(_approval(manager, "credit_note", note["entity_id"], "decide"))])

    assert "credit note CN-T01-00001 belongs to another terminal" in _reason(bare)
    assert outcomes(signed) == ["stored"]
    data = _feed(t01, "credit_note")[-1]["data"]
    assert data["status"] == "Active"
    assert data["decide_approval"]["approver_username"] == "mbrown"


def test_credit_notes_and_their_applications_stay_within_what_the_payment_and_note_hold(
    server, sample
):
    t01 = server.register("T01")
    paid = payment(t01, sample, 1, 14550)
    note = _pending_note(t01, sample, paid)
    note["payload"] |= {"status": "Active", "amount_minor": 10000}
    too_much = _pending_note(t01, sample, paid, seq=2)
    too_much["payload"] |= {"status": "Active", "amount_minor": 4551}
    t01.push([paid, note])

    def application(amount):
        application_id = uuid.uuid4()
        payload = {
            "id": str(application_id),
            "credit_note_id": note["entity_id"],
            "target_kind": "service",
            "target_id": str(sample.service_charge_id),
            "amount_minor": amount,
            "applied_at": datetime.now(UTC).isoformat(),
            "applied_by": str(uuid.uuid4()),
        }
        return record("credit_note_application", application_id, payload)

    assert "would total 14551, more than its amount 14550" in _reason(t01.push([too_much]))
    assert outcomes(t01.push([application(6000)])) == ["stored"]
    assert "more than the 4000 left on the note" in _reason(t01.push([application(4001)]))
    assert "greater than zero" in _reason(t01.push([application(-500)]))
    assert outcomes(t01.push([application(4000)])) == ["stored"]
    assert _feed(t01, "credit_note")[-1]["data"]["status"] == "Applied"
