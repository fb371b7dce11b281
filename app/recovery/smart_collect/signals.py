"""Risk signals: low balance, repeated failures, irregular income, poor cash management, delays."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.money import decimal_text
from app.recovery.smart_collect.behaviour import AttemptRecord, PaymentBehaviour, SpendingPattern
from app.recovery.smart_collect.income import IncomePattern, PayKind

LOOKBACK = timedelta(days=90)


class Severity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@dataclass(frozen=True)
class RiskSignal:
    signal_type: str
    severity: Severity
    description: str
    detected_date: date


def risk_signals(
    *,
    today: date,
    income: IncomePattern,
    spending: SpendingPattern,
    behaviour: PaymentBehaviour,
    attempts: Sequence[AttemptRecord],
    owed_minor: int,
    money: Callable[[int], str],
) -> list[RiskSignal]:
    recent = [a for a in attempts if a.at.date() >= today - LOOKBACK]
    declines = [a for a in recent if not a.approved]
    low_funds = [a for a in declines if a.category == "insufficient_funds"]
    found: list[RiskSignal] = []
    average = spending.average_balance_minor
    if average is not None and owed_minor and average * 2 < owed_minor * 3:
        found.append(
            RiskSignal(
                "LOW_AVERAGE_BALANCE",
                Severity.HIGH if average < owed_minor else Severity.MEDIUM,
                f"Average balance is only {money(average)} against {money(owed_minor)} owed, "
                "indicating financial stress",
                today,
            )
        )
    if len(declines) >= 2:
        found.append(
            RiskSignal(
                "REPEATED_COLLECTION_FAILURES",
                Severity.HIGH if len(declines) >= 4 else Severity.MEDIUM,
                f"{len(declines)} failed collection attempts in the last 90 days",
                max(a.at.date() for a in declines),
            )
        )
    if income.kind is PayKind.IRREGULAR or (income.credits and income.consistency < 50):
        found.append(
            RiskSignal(
                "IRREGULAR_INCOME",
                Severity.HIGH if income.consistency < 30 else Severity.MEDIUM,
                f"Income is {income.kind.value.replace('_', '-')} with consistency "
                f"{income.consistency:.0f}/100 (amount CV {income.amount_cv:.2f}, timing CV "
                f"{income.timing_cv:.2f})",
                income.last_credit or today,
            )
        )
    if len(low_funds) >= 2 or spending.low_balance_share >= 0.3:
        # Only what holds: a signal raised by the balance alone does not lead with "0 declines".
        reasons = []
        if low_funds:
            count = len(low_funds)
            reasons.append(f"{count} decline{'s' if count > 1 else ''} for insufficient funds "
                           "in the last 90 days")  # fmt: skip
        if spending.low_balance_share >= 0.3:
            share = f"{spending.low_balance_share:.0%}"
            reasons.append(f"balance below the amount owed {share} of the time")
        why = "; ".join(reasons)
        found.append(
            RiskSignal(
                "POOR_CASH_MANAGEMENT",
                Severity.HIGH if len(low_funds) >= 3 else Severity.MEDIUM,
                why[:1].upper() + why[1:],
                max((a.at.date() for a in low_funds), default=today),
            )
        )
    if behaviour.bills and (behaviour.average_delay_days > 3 or behaviour.punctuality < 60):
        found.append(
            RiskSignal(
                "PAYMENT_DELAYS",
                Severity.HIGH if behaviour.average_delay_days > 10 else Severity.MEDIUM,
                f"Pays {behaviour.average_delay_days:.1f} days late on average; "
                f"{behaviour.punctuality:.0f} % of {behaviour.bills} bills on time",
                today,
            )
        )
    return found


def money_text(currency: str) -> Callable[[int], str]:
    """Minor units as '1234.50 USD' in the signals' text: plain, as the JSON and the CLI show
    it; the Smart Collect screen writes these amounts as the branch's money."""
    return lambda minor: f"{decimal_text(minor, currency)} {currency}"
