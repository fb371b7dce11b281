"""The rules of a cancelled plan: nothing unpaid is due, late or missed, it protects nobody from
disconnection, and a pushed cancellation must say which version and why."""

from datetime import date

import pytest

from app.domain.counter_plans import check_cancel_record
from app.domain.plan_compliance import InstallmentFacts, PlanState, plan_compliance
from app.domain.record_rules import RecordInvalid

TODAY = date(2026, 6, 30)
FACTS = [
    InstallmentFacts(1, 5_000, date(2026, 4, 1), 5_000, date(2026, 4, 1)),
    InstallmentFacts(2, 5_000, date(2026, 5, 1), 1_000),
    InstallmentFacts(3, 5_000, date(2026, 6, 1), 0),
]


def test_a_cancelled_plan_has_nothing_due_late_or_missed_and_protects_nobody() -> None:
    broken = plan_compliance(FACTS, TODAY)
    assert broken.state is PlanState.BROKEN and len(broken.missed) == 2

    cancelled = plan_compliance(FACTS, TODAY, cancelled=True)

    assert cancelled.state is PlanState.CANCELLED and not cancelled.compliant
    assert [(i.state.value, i.days_late) for i in cancelled.installments] == [
        ("Paid", 0), ("Cancelled", 0), ("Cancelled", 0),
    ]  # fmt: skip
    assert cancelled.missed == () and cancelled.next_due is None
    assert cancelled.paid_minor == 6_000  # what was paid stays paid


GOOD = {
    "id": "6f1c0c9e-3c1b-4b7e-9a55-2d3f4a5b6c7d",
    "consumer_id": "0b7e5d8a-1f2e-4c3d-8b9a-7e6f5d4c3b2a",
    "status": "Cancelled",
    "base_version": 2,
    "cancel_reason": "Consumer moved out",
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": "Active"}, "the status must be Cancelled"),
        ({"base_version": 0}, "base_version must be a positive whole number"),
        ({"base_version": True}, "base_version must be a positive whole number"),
        ({"cancel_reason": ""}, "a reason of 1 to 200 characters is required"),
        ({"cancel_reason": "x" * 201}, "a reason of 1 to 200 characters is required"),
        ({"id": "not-a-uuid"}, "a field is missing or malformed"),
    ],
)
def test_a_pushed_cancellation_is_checked(change: dict, problem: str) -> None:
    check_cancel_record(GOOD)
    with pytest.raises(RecordInvalid, match=problem):
        check_cancel_record(GOOD | change)
