"""How a recovery (RP-) plan is shown by `tilldesk recovery plans`: a table or its JSON shape.
Shared by the plan verbs and the offer verbs (cli/commands/recovery_plan_offers.py)."""

from __future__ import annotations

from argparse import Namespace
from typing import TYPE_CHECKING, Any

from cli.output import emit_json, emit_pairs, emit_table, money

if TYPE_CHECKING:
    from app.services.recovery_plans import PlanView


def plan_dict(view: PlanView) -> dict[str, Any]:
    """The JSON shape of a plan: money as decimal strings in the plan's currency."""
    cur = view.currency
    return {
        "plan_number": view.plan_number, "plan_id": view.plan_id, "case_id": view.case_id,
        "consumer_id": view.consumer_id, "status": view.status, "currency": cur,
        "total": money(view.total_minor, cur), "down_payment": money(view.down_payment_minor, cur),
        "paid": money(view.paid_minor, cur), "frequency": view.frequency,
        "installment_count": view.installment_count, "offered_by": view.offered_by,
        "offered_at": view.offered_at.isoformat(),
        "accepted_at": view.accepted_at.isoformat() if view.accepted_at else None,
        "acceptance": None if view.accepted_at is None else {
            "channel": view.accepted_channel, "recorded_by": view.accepted_by,
            "evidence": view.acceptance_text,
        },
        "installments": [
            {"number": i.number, "amount": money(i.amount_minor, cur),
             "due_date": i.due_date.isoformat(), "paid": money(i.paid_minor, cur),
             "status": i.status, "down_payment": i.down_payment, "case_id": i.missed_case_id}
            for i in view.installments
        ],
    }  # fmt: skip


def emit_plan(args: Namespace, view: PlanView) -> int:
    if args.json:
        emit_json(plan_dict(view))
        return 0
    cur = view.currency
    emit_pairs(
        [
            ("plan", view.plan_number),
            ("case", view.case_id),
            ("status", view.status),
            ("total", money(view.total_minor, cur)),
            ("down payment", money(view.down_payment_minor or None, cur)),
            ("paid", money(view.paid_minor, cur)),
            ("frequency", view.frequency),
            ("accepted", f"{view.accepted_at:%Y-%m-%d %H:%M}Z by {view.accepted_channel}, "
                         f"recorded by {view.accepted_by}" if view.accepted_at else ""),
        ]
    )  # fmt: skip
    print()
    emit_table(
        ["#", "due", "amount", "paid", "status"],
        [[str(i.number) + (" (down)" if i.down_payment else ""), i.due_date.isoformat(),
          money(i.amount_minor, cur) or "", money(i.paid_minor, cur) or "", i.status]
         for i in view.installments],
        right=frozenset({2, 3}),
    )  # fmt: skip
    return 0
