"""The shared record rules: what a counter writes and the server stores must pass them."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from app.domain.approvals import sign_approval, verify_approval
from app.domain.number_series import in_series
from app.domain.record_rules import (
    RecordInvalid,
    check_credit_note,
    check_credit_note_application,
    check_credit_note_decision,
    check_flag_resolution,
    check_payment,
    check_payment_verification,
    check_payment_void,
    check_shift,
)

NOW = datetime(2025, 4, 20, 15, 0, tzinfo=UTC)
BILL = str(uuid.uuid4())


def _payment(**changes: object) -> dict[str, object]:
    payment: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "terminal_id": str(uuid.uuid4()),
        "payment_number": "PAY-2025-T01-000004",
        "transaction_number": "TXN-2025-T01-000004",
        "receipt_number": "R-T01-0004",
        "consumer_id": str(uuid.uuid4()),
        "payment_type": "Bill",
        "channel": "Walk-in",
        "method": "Cash",
        "currency": "USD",
        "amount_minor": 17576,
        "tendered_minor": 20000,
        "change_minor": 2424,
        "overpaid_minor": 0,
        "payment_date": "2025-04-20",
        "recorded_at": "2025-04-20T14:00:00+00:00",
        "recorded_by": str(uuid.uuid4()),
        "status": "Posted",
        "notes": None,
        "allocations": [_allocation(17576)],
    }
    return payment | changes


def _allocation(amount: int, **changes: object) -> dict[str, object]:
    share = {
        "id": str(uuid.uuid4()),
        "bill_id": BILL,
        "service_charge_id": None,
        "installment_id": None,
        "amount_minor": amount,
        "reversal_of": None,
    }
    return share | changes


def _reason(check, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(RecordInvalid) as raised:
        check(*args, **kwargs)
    assert raised.value.reason
    return raised.value.reason


def test_a_sound_cash_payment_with_change_passes() -> None:
    check_payment(_payment(), currency="USD", now=NOW, item_limits={BILL: 17576})


def test_cash_that_does_not_balance_is_refused_with_the_figures() -> None:
    broken = _payment(
        amount_minor=1, tendered_minor=100, change_minor=0, allocations=[_allocation(1)]
    )

    reason = _reason(check_payment, broken, currency="USD", now=NOW)

    assert "tendered 100 is not amount 1 plus change 0" in reason


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"amount_minor": 0}, "amount_minor must be greater than zero"),
        ({"amount_minor": "175.76"}, "whole number of minor units"),
        ({"amount_minor": True}, "whole number of minor units"),
        ({"change_minor": -1, "tendered_minor": 17575}, "change_minor must be at least 0"),
        ({"overpaid_minor": 20000}, "more than the amount"),
        ({"status": "Paid"}, "status 'Paid' is not one of"),
        ({"verification": "Maybe"}, "verification 'Maybe'"),
        ({"payment_type": "Gift"}, "payment_type 'Gift'"),
        ({"currency": "usd"}, "three-letter code"),
        ({"currency": "EUR"}, "not this deployment's currency USD"),
        ({"payment_date": "2025-02-30"}, "payment_date is not a date"),
        ({"payment_date": "2031-01-01"}, "not a believable date"),
        ({"recorded_at": "2025-04-20T16:00:00+00:00"}, "not a believable time"),
        ({"recorded_at": "2025-04-20T14:00:00"}, "no time zone"),
        ({"receipt_number": " R-T01-0004"}, "could have issued"),
        ({"receipt_number": "R-T01\x00"}, "could have issued"),
        ({"payment_number": "P" * 49}, "could have issued"),
        ({"consumer_id": "John"}, "consumer_id is not an id"),
        ({"allocations": "all of it"}, "allocations must be a list"),
    ],
)
def test_a_payment_breaking_one_rule_is_refused_saying_which(
    changes: dict[str, object], words: str
) -> None:
    reason = _reason(check_payment, _payment(**changes), currency="USD", now=NOW)

    assert words in reason


def test_a_clock_a_few_minutes_ahead_is_tolerated() -> None:
    ahead = (NOW + timedelta(minutes=10)).isoformat()

    check_payment(_payment(recorded_at=ahead), currency="USD", now=NOW)


def test_a_negative_allocation_on_a_bill_is_refused() -> None:
    payment = _payment(
        amount_minor=17576,
        tendered_minor=17576,
        change_minor=0,
        allocations=[_allocation(-1_000_000), _allocation(17576)],
    )

    reason = _reason(check_payment, payment, currency="USD", now=NOW, item_limits={BILL: 17576})

    assert "-1000000 is negative: only a voided payment's reversal may be negative" in reason


def test_an_allocation_far_beyond_the_payment_is_refused() -> None:
    payment = _payment(
        amount_minor=1, tendered_minor=1, change_minor=0, allocations=[_allocation(99_999_999)]
    )

    reason = _reason(check_payment, payment, currency="USD", now=NOW, item_limits={BILL: 17576})

    assert "99999999 is more than the 17576 the item allows" in reason


def test_allocations_and_overpaid_must_add_up_to_the_amount() -> None:
    payment = _payment(allocations=[_allocation(10000)])

    reason = _reason(check_payment, payment, currency="USD", now=NOW)

    assert "allocations 10000 plus overpaid 0 do not add up to the amount 17576" in reason


def test_an_allocation_must_settle_exactly_one_item_of_the_payment_type() -> None:
    two = _allocation(17576, service_charge_id=str(uuid.uuid4()))
    wrong_kind = _allocation(17576, bill_id=None, service_charge_id=str(uuid.uuid4()))

    for allocations in ([two], [wrong_kind]):
        reason = _reason(check_payment, _payment(allocations=allocations), currency="USD", now=NOW)
        assert "must settle exactly one bill" in reason


def test_an_item_the_caller_does_not_know_is_refused() -> None:
    reason = _reason(check_payment, _payment(), currency="USD", now=NOW, item_limits={})

    assert "is not one this payment may settle" in reason


def test_a_voided_payment_may_carry_exact_reversal_twins_only() -> None:
    original = _allocation(17576)
    twin = _allocation(-17576, reversal_of=original["id"])
    voided = _payment(status="Voided", allocations=[original, twin])
    check_payment(voided, currency="USD", now=NOW)

    off = _allocation(-100, reversal_of=original["id"])
    reason = _reason(
        check_payment,
        _payment(status="Voided", allocations=[original, off]),
        currency="USD",
        now=NOW,
    )
    assert "not the exact reversal" in reason


def test_an_online_payment_needs_no_drawer_or_numbers_but_a_positive_amount() -> None:
    online = {
        "id": str(uuid.uuid4()),
        "source": "online",
        "payment_type": "Bill",
        "currency": "USD",
        "amount_minor": 500,
        "status": "Posted",
        "verification": "Pending",
        "payment_date": "2025-04-20",
        "recorded_at": "2025-04-20T14:00:00+00:00",
        "allocations": [],
    }
    check_payment(online, currency="USD", now=NOW)

    assert "greater than zero" in _reason(
        check_payment, online | {"amount_minor": -500}, currency="USD", now=NOW
    )


def _note(**changes: object) -> dict[str, object]:
    note: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "number": "CN-T01-00001",
        "payment_id": str(uuid.uuid4()),
        "consumer_id": str(uuid.uuid4()),
        "amount_minor": 450,
        "currency": "USD",
        "reason": "Overpayment",
        "remarks": None,
        "created_by": str(uuid.uuid4()),
        "created_at": "2025-04-20T14:00:00+00:00",
        "expires_on": "2026-04-20",
        "status": "Active",
    }
    return note | changes


def test_a_credit_note_is_positive_within_its_payment_and_has_a_known_status() -> None:
    check_credit_note(_note(), currency="USD", now=NOW, payment_amount_minor=450)

    def reason(**changes: object) -> str:
        return _reason(
            check_credit_note, _note(**changes), currency="USD", now=NOW, payment_amount_minor=450
        )

    assert "greater than zero" in reason(amount_minor=-5)
    assert "more than its payment's amount 450" in reason(amount_minor=451)
    assert "status 'Spent'" in reason(status="Spent")
    assert "expires before it was created" in reason(expires_on="2024-01-01")


def test_voids_verifications_applications_and_decisions_are_checked() -> None:
    someone = str(uuid.uuid4())
    void = {
        "payment_id": someone,
        "status": "Voided",
        "reason": "wrong account",
        "voided_at": "2025-04-20T14:30:00+00:00",
        "voided_by": someone,
    }
    check_payment_void(void, now=NOW)
    assert "status must be Voided" in _reason(
        check_payment_void, void | {"status": "Posted"}, now=NOW
    )
    assert "reason is required" in _reason(check_payment_void, void | {"reason": " "}, now=NOW)

    verified = {
        "payment_id": someone,
        "verification": "Verified",
        "verified_at": "2025-04-20T14:30:00+00:00",
        "verified_by": someone,
    }
    check_payment_verification(verified, now=NOW)
    assert "must be Verified" in _reason(
        check_payment_verification, verified | {"verification": "Pending"}, now=NOW
    )

    applied = {
        "id": someone,
        "credit_note_id": someone,
        "target_kind": "bill",
        "target_id": someone,
        "amount_minor": 300,
        "applied_at": "2025-04-20T14:30:00+00:00",
        "applied_by": someone,
    }
    check_credit_note_application(applied, now=NOW, remaining_minor=300)
    assert "more than the 200 left" in _reason(
        check_credit_note_application, applied, now=NOW, remaining_minor=200
    )

    decided = {
        "id": someone,
        "credit_note_id": someone,
        "decision": "rejected",
        "status": "Rejected",
        "reason": "not owed",
        "decided_by": someone,
        "decided_at": "2025-04-20T14:30:00+00:00",
    }
    check_credit_note_decision(decided, now=NOW)
    assert "becomes Active" in _reason(
        check_credit_note_decision, decided | {"decision": "approved"}, now=NOW
    )
    assert "reason is required" in _reason(
        check_credit_note_decision, decided | {"reason": None}, now=NOW
    )


def test_shifts_and_flag_resolutions_are_checked() -> None:
    shift = {
        "id": str(uuid.uuid4()),
        "terminal_id": str(uuid.uuid4()),
        "number": "SH-T01-0001",
        "cashier_id": str(uuid.uuid4()),
        "status": "closed",
        "currency": "USD",
        "opening_float_minor": 10000,
        "opened_at": "2025-04-20T08:00:00+00:00",
        "closed_at": "2025-04-20T14:00:00+00:00",
        "closed_by": None,
        "approved_by": None,
        "approval_reasons": None,
        "expected_cash_minor": 12000,
        "counted_cash_minor": 12000,
    }
    check_shift(shift, currency="USD", now=NOW)
    assert "closed before it opened" in _reason(
        check_shift, shift | {"closed_at": "2025-04-20T07:00:00+00:00"}, currency="USD", now=NOW
    )
    assert "opening_float_minor" in _reason(
        check_shift, shift | {"opening_float_minor": -1}, currency="USD", now=NOW
    )

    resolution = {
        "flag_id": str(uuid.uuid4()),
        "resolution": "No action",
        "note": "checked with the consumer",
        "credit_note_number": None,
        "resolved_by": "mbrown",
        "resolved_at": "2025-04-20T14:00:00+00:00",
    }
    check_flag_resolution(resolution, now=NOW)
    assert "resolution 'Ignore'" in _reason(
        check_flag_resolution, resolution | {"resolution": "Ignore"}, now=NOW
    )


def test_a_number_belongs_to_the_terminal_whose_code_its_format_renders() -> None:
    assert in_series("R-T01-0004", "R-{TERM}-{SEQ:4}", "T01")
    assert in_series("R-T01-12345", "R-{TERM}-{SEQ:4}", "T01")  # past 9999 the number grows
    assert not in_series("R-T01-0004", "R-{TERM}-{SEQ:4}", "T02")
    assert not in_series("R-T01-004", "R-{TERM}-{SEQ:4}", "T01")
    assert in_series("PAY-2025-T02-000004", "PAY-{YYYY}-{TERM}-{SEQ:6}", "T02")
    assert not in_series("PAY-2025-T02-000004x", "PAY-{YYYY}-{TERM}-{SEQ:6}", "T02")
    assert in_series("A.25/T0.1", "A.{YY}/{TERM}.{SEQ:1}", "T0")  # dots are literal
    assert not in_series("Ax25/T0x1", "A.{YY}/{TERM}.{SEQ:1}", "T0")


_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_an_approval_verifies_only_for_its_approver_subject_and_action() -> None:
    pin_hash, other_hash = _HASHER.hash("4321"), _HASHER.hash("9999")
    payment_id, approver = uuid.uuid4(), uuid.uuid4()
    block = sign_approval(
        pin_hash,
        entity="payment",
        subject_id=payment_id,
        action="void",
        approved_by=approver,
        approved_at=NOW,
    )
    verify_approval(
        block, pin_hash, entity="payment", subject_id=payment_id, action="void", now=NOW
    )

    wrong = [
        ({}, other_hash, payment_id, "void"),
        ({}, pin_hash, uuid.uuid4(), "void"),
        ({"action": "verify"}, pin_hash, payment_id, "verify"),
        ({"approved_by": str(uuid.uuid4())}, pin_hash, payment_id, "void"),
        ({"approved_at": (NOW - timedelta(seconds=1)).isoformat()}, pin_hash, payment_id, "void"),
    ]
    for changes, key, subject, action in wrong:
        with pytest.raises(RecordInvalid):
            verify_approval(
                block | changes, key, entity="payment", subject_id=subject, action=action, now=NOW
            )
    assert "4321" not in str(block)
