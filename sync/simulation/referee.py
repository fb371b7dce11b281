"""The referee: counts every breach of the recovery rules a policy makes against the world.

Written apart from the engine on purpose (it judges it). Each rule has a name used as the
key of `/stats` "breaches":

charge_after_paid, charge_more_than_owed, clock_backwards, retry_after_stop_code,
visa_30d, mastercard_24h, mastercard_30d, mastercard_mac02_72h, mastercard_retry_after,
enach_month, upi_pre_debit, message_quiet_hours, message_holiday, message_sunday,
message_daily_cap, message_weekly_cap, message_after_opt_out, message_after_paid,
urgent_not_high_value, urgent_more_than_once.

Windows count the case's own failed attempt (its failed_at, code and advice code) and start
afresh after `payment_method_updated`. Local time is the consumer's (localtime.resolve_zone);
the e-NACH month is the consumer's local calendar month.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sync.simulation import codes
from sync.simulation.localtime import format_instant, is_public_holiday, local

MAX_DETAILS = 50
QUIET_FROM_HOUR, QUIET_UNTIL_HOUR = 21, 8
VISA_30D, MASTERCARD_24H, MASTERCARD_30D, ENACH_PER_MONTH = 15, 10, 35, 3


@dataclass(frozen=True)
class RefereeCase:
    case_id: str
    consumer_id: str
    amount_minor: int
    currency: str
    method: str
    gateway: str
    card_network: str
    failed_at: datetime
    code: str
    merchant_advice_code: str


@dataclass(frozen=True)
class RefereeConsumer:
    zone: str
    country: str
    subdivision: str


@dataclass
class _Ledger:
    """What the referee remembers of one case."""

    attempts: list[datetime] = field(default_factory=list)  # since the last method update
    last_attempt_at: datetime | None = None
    stop_since: datetime | None = None
    not_before: datetime | None = None  # MAC 02 / 24-30
    not_before_rule: str = ""
    paid_at: datetime | None = None
    method_updated_at: datetime | None = None
    pre_debit_at: list[datetime] = field(default_factory=list)
    urgent_used: bool = False


class Referee:
    def __init__(
        self, cases: dict[str, RefereeCase], consumers: dict[str, RefereeConsumer]
    ) -> None:
        self.cases = cases
        self.consumers = consumers
        self.breaches: Counter[str] = Counter()
        self.details: list[dict] = []
        self._ledgers = {case_id: _Ledger() for case_id in cases}
        self._sent: dict[str, list[datetime]] = {}  # consumer -> accepted message times
        self._opted_out: dict[tuple[str, str], datetime] = {}
        self._high_value_floor = _high_value_floors(cases.values())
        for case in cases.values():
            self._record(case, case.failed_at, case.code, case.merchant_advice_code, False)

    # -- breaches -------------------------------------------------------------------------

    def breach(self, rule: str, case_id: str | None, at: datetime | None, detail: str) -> None:
        self.breaches[rule] += 1
        if len(self.details) < MAX_DETAILS:
            when = format_instant(at) if at else None
            self.details.append({"rule": rule, "case_id": case_id, "at": when, "detail": detail})

    def is_paid(self, case_id: str) -> bool:
        return self._ledgers[case_id].paid_at is not None

    def is_high_value(self, case_id: str) -> bool:
        case = self.cases[case_id]
        return case.amount_minor >= self._high_value_floor[case.currency]

    # -- attempts -------------------------------------------------------------------------

    def check_attempt(self, case_id: str, at: datetime) -> list[str]:
        """Count the breaches a charge at `at` makes; returns their rule names."""
        case, ledger = self.cases[case_id], self._ledgers[case_id]
        if ledger.paid_at is not None:
            found = [("charge_after_paid", f"paid at {format_instant(ledger.paid_at)}")]
        else:
            found = self._network_breaches(case, ledger, at)
        for rule, detail in found:
            self.breach(rule, case_id, at, detail)
        return [rule for rule, _ in found]

    def _network_breaches(
        self, case: RefereeCase, ledger: _Ledger, at: datetime
    ) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if ledger.stop_since is not None:
            found.append(("retry_after_stop_code", "no payment_method_updated since the stop"))
        if ledger.not_before is not None and at < ledger.not_before:
            wait = f"not before {format_instant(ledger.not_before)}"
            found.append((ledger.not_before_rule, wait))
        window = [t for t in ledger.attempts if t > at - timedelta(days=30)] + [at]
        if case.method == "card" and case.card_network == "visa" and len(window) > VISA_30D:
            found.append(("visa_30d", f"{len(window)} attempts in 30 days"))
        if case.method == "card" and case.card_network == "mastercard":
            day = [t for t in window if t > at - timedelta(hours=24)]
            if len(day) > MASTERCARD_24H:
                found.append(("mastercard_24h", f"{len(day)} attempts in 24 h"))
            if len(window) > MASTERCARD_30D:
                found.append(("mastercard_30d", f"{len(window)} attempts in 30 days"))
        if case.method == "enach":
            zone = self.consumers[case.consumer_id].zone
            month = (local(at, zone).year, local(at, zone).month)
            every = [*ledger.attempts, at]  # a month can be longer than the 30-day window
            same = [t for t in every if (local(t, zone).year, local(t, zone).month) == month]
            if len(same) > ENACH_PER_MONTH:
                found.append(("enach_month", f"{len(same)} presentations this month"))
        if case.method == "upi_autopay" and not self._pre_debit_ok(ledger, at):
            found.append(
                ("upi_pre_debit", "no accepted message after the last attempt, >= 24 h before")
            )
        return found

    def _pre_debit_ok(self, ledger: _Ledger, at: datetime) -> bool:
        previous = ledger.last_attempt_at
        return any(
            (previous is None or sent > previous) and sent <= at - timedelta(hours=24)
            for sent in ledger.pre_debit_at
        )

    def record_attempt(
        self, case_id: str, at: datetime, code: str, advice: str | None, approved: bool
    ) -> None:
        self._record(self.cases[case_id], at, code, advice or "", approved)

    def _record(
        self, case: RefereeCase, at: datetime, code: str, advice: str, approved: bool
    ) -> None:
        ledger = self._ledgers[case.case_id]
        ledger.attempts.append(at)
        ledger.last_attempt_at = at
        ledger.not_before = None
        if approved:
            return
        if codes.is_stop_code(case.gateway, case.method, code, advice):
            ledger.stop_since = ledger.stop_since or at
        if case.method == "card" and advice == "02":
            ledger.not_before, ledger.not_before_rule = (
                at + timedelta(hours=72),
                "mastercard_mac02_72h",
            )
        elif case.method == "card" and advice in codes.RETRY_AFTER_ADVICE:
            ledger.not_before = at + codes.RETRY_AFTER_ADVICE[advice]
            ledger.not_before_rule = "mastercard_retry_after"

    # -- world events ---------------------------------------------------------------------

    def paid(self, case_id: str, at: datetime) -> None:
        ledger = self._ledgers[case_id]
        ledger.paid_at = ledger.paid_at or at

    def method_updated(self, case_id: str, at: datetime) -> None:
        """A new card or mandate: the windows start afresh, stop codes are lifted."""
        ledger = self._ledgers[case_id]
        ledger.attempts.clear()
        ledger.stop_since = None
        ledger.not_before = None
        ledger.method_updated_at = at

    def opted_out(self, consumer_id: str, channel: str, at: datetime) -> None:
        self._opted_out.setdefault((consumer_id, channel), at)

    def is_opted_out(self, consumer_id: str, channel: str) -> bool:
        return (consumer_id, channel) in self._opted_out

    # -- messages -------------------------------------------------------------------------

    def check_message(self, case_id: str, at: datetime, channel: str, urgent: bool) -> list[str]:
        """Count the breaches a message at `at` makes; returns their rule names."""
        case, ledger = self.cases[case_id], self._ledgers[case_id]
        consumer = self.consumers[case.consumer_id]
        found: list[tuple[str, str]] = []
        urgent_allowed = False
        if urgent:
            if not self.is_high_value(case_id):
                found.append(("urgent_not_high_value", "urgent is for the high-value segment"))
            elif ledger.urgent_used:
                found.append(("urgent_more_than_once", "second urgent message of the case"))
            else:
                urgent_allowed = True
            ledger.urgent_used = True
        there = local(at, consumer.zone)
        if not urgent_allowed:
            if not QUIET_UNTIL_HOUR <= there.hour < QUIET_FROM_HOUR:
                found.append(("message_quiet_hours", f"{there:%H:%M} local"))
            if is_public_holiday(there.date(), consumer.country, consumer.subdivision):
                found.append(("message_holiday", f"{there:%Y-%m-%d} is a public holiday"))
            if there.weekday() == 6:
                found.append(("message_sunday", f"{there:%Y-%m-%d} is a Sunday"))
        sent = self._sent.get(case.consumer_id, [])
        if any(local(t, consumer.zone).date() == there.date() for t in sent):
            found.append(("message_daily_cap", "a message was already sent that local day"))
        if len([t for t in sent if t > at - timedelta(days=7)]) >= 3:
            found.append(("message_weekly_cap", "three messages in the last 7 days"))
        if (case.consumer_id, channel) in self._opted_out:
            found.append(("message_after_opt_out", f"opted out of {channel}"))
        if ledger.paid_at is not None:
            found.append(("message_after_paid", f"paid at {format_instant(ledger.paid_at)}"))
        for rule, detail in found:
            self.breach(rule, case_id, at, detail)
        return [rule for rule, _ in found]

    def record_message(self, case_id: str, at: datetime) -> None:
        """An accepted message: counts in the caps and as a UPI pre-debit notification."""
        self._sent.setdefault(self.cases[case_id].consumer_id, []).append(at)
        self._ledgers[case_id].pre_debit_at.append(at)


def _high_value_floors(cases: Iterable[RefereeCase]) -> dict[str, float]:
    """10x the median case amount of each currency."""
    by_currency: dict[str, list[int]] = {}
    for case in cases:
        by_currency.setdefault(case.currency, []).append(case.amount_minor)
    return {cur: 10 * statistics.median(amounts) for cur, amounts in by_currency.items()}
