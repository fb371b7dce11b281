"""Recommendations: reschedule, flexible plan, early reminder, skip an attempt, watch closer."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.recovery.smart_collect.income import IncomePattern
from app.recovery.smart_collect.probability import Band
from app.recovery.smart_collect.signals import RiskSignal, Severity
from app.recovery.smart_collect.upcoming import UpcomingCollection

PRIORITY_ORDER = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}


@dataclass(frozen=True)
class Recommendation:
    recommendation_type: str
    priority: str  # HIGH | MEDIUM | LOW
    reason: str
    expected_impact: str
    action_required: str


def recommendations(
    upcoming: Sequence[UpcomingCollection],
    signals: Sequence[RiskSignal],
    income: IncomePattern,
) -> list[Recommendation]:
    kinds = {s.signal_type: s for s in signals}
    found: list[Recommendation] = []
    weak = [u for u in upcoming if u.status in (Band.RISKY, Band.CRITICAL)]
    movable = [u for u in weak if u.suggested_date is not None]
    target = movable[0].suggested_date if movable else None
    if target is not None:
        critical = sum(1 for u in movable if u.status is Band.CRITICAL)
        found.append(
            Recommendation(
                "RESCHEDULE",
                "HIGH" if critical else "MEDIUM",
                f"{len(movable)} upcoming collection(s) have "
                f"{'critical' if critical else 'risky'} low balance risk",
                "Could improve success rate by 30-40%",
                f"Reschedule to {_day(target)}, after the salary credit",
            )
        )
    skip = [u for u in weak if u.status is Band.CRITICAL and u.suggested_date is None]
    if skip:
        found.append(
            Recommendation(
                "SKIP_ATTEMPT",
                "MEDIUM",
                f"{len(skip)} collection(s) are very unlikely to succeed and no better window "
                "is known",
                "Saves the cost of failed attempts and the consumer's bank fees",
                f"Skip the attempt on {_day(skip[0].scheduled_date)}; wait for the next credit",
            )
        )
    strained = [
        s
        for s in signals
        if s.signal_type
        in ("REPEATED_COLLECTION_FAILURES", "POOR_CASH_MANAGEMENT", "LOW_AVERAGE_BALANCE")
        and s.severity is Severity.HIGH
    ]
    if strained:
        found.append(
            Recommendation(
                "FLEXIBLE_PLAN",
                "HIGH",
                "; ".join(s.description for s in strained),
                "Smaller installments the consumer can meet; fewer failed debits",
                "Offer a payment plan split around the paydays",
            )
        )
    if "PAYMENT_DELAYS" in kinds or any(u.status is Band.SCHEDULED for u in upcoming):
        found.append(
            Recommendation(
                "EARLY_REMINDER",
                "MEDIUM" if "PAYMENT_DELAYS" in kinds else "LOW",
                kinds["PAYMENT_DELAYS"].description
                if "PAYMENT_DELAYS" in kinds
                else "Collections are scheduled with only moderate success probability",
                "Could reduce delays by 1-2 days",
                "Send a reminder 2 days before the collection date",
            )
        )
    if "IRREGULAR_INCOME" in kinds:
        found.append(
            Recommendation(
                "INCREASE_FREQUENCY",
                "MEDIUM" if kinds["IRREGULAR_INCOME"].severity is Severity.HIGH else "LOW",
                kinds["IRREGULAR_INCOME"].description,
                "Catches credits the pattern cannot predict",
                f"Check for new credits every few days (cycle about {income.cycle_days:.0f} days)",
            )
        )
    return sorted(found, key=lambda r: PRIORITY_ORDER[r.priority])


def _day(day: date) -> str:
    """'Sat 19 Dec 2026': read the same in every branch (no 12/19 vs 19/12 doubt)."""
    return f"{day:%a} {day.day} {day:%b %Y}"
