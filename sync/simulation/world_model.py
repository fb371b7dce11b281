"""The simulated world's state: owed amounts, instruments, the consumers' replies, the clock.

Requests are applied in virtual-time order. Before answering anything at time `at`, the world
first lets everything that was due by `at` happen (a consumer reading a message and paying
through its link, a card updater refreshing a card), so an answer always reflects the
consumer's state at `at`, whether or not the client has read those events yet.
"""

from __future__ import annotations

import heapq
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sync.simulation import behaviour, codes
from sync.simulation.behaviour import AttemptContext, Traits
from sync.simulation.localtime import format_instant, local, resolve_zone
from sync.simulation.portfolio_files import CaseRow, Portfolio
from sync.simulation.referee import Referee, RefereeCase, RefereeConsumer

CHANNELS = ("email", "sms", "whatsapp")


class WorldError(Exception):
    """A request the world refuses; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class _Case:
    row: CaseRow
    traits: Traits
    owed: int
    instrument: str
    rng: random.Random
    message_rng: random.Random
    attempts: list[tuple[datetime, bool]] = field(default_factory=list)
    messages: list[datetime] = field(default_factory=list)


class World:
    def __init__(self, portfolio: Portfolio, seed: int) -> None:
        self._lock = threading.Lock()
        self._clock: datetime | None = None
        self._consumers = portfolio.consumers
        self._zones = {
            cid: resolve_zone(c.timezone, c.phone, c.country, c.subdivision)
            for cid, c in portfolio.consumers.items()
        }
        hidden = portfolio.hidden.get("consumers", {})
        self._cases: dict[str, _Case] = {}
        self._pending: list[tuple[datetime, int, str, str, dict]] = []
        self._sequence = 0
        for case_id, row in portfolio.cases.items():
            traits = self._traits(row, hidden.get(row.consumer_id))
            self._cases[case_id] = _Case(
                row=row,
                traits=traits,
                owed=row.amount_minor,
                instrument=traits.instrument,
                rng=random.Random(behaviour.stable_int(seed, "attempt", case_id)),
                message_rng=random.Random(behaviour.stable_int(seed, "message", case_id)),
                attempts=[(row.failed_at, False)],
            )
            if traits.instrument == "expired" and traits.updater_days is not None:
                at = row.failed_at + timedelta(days=traits.updater_days)
                self._schedule(at, "payment_method_updated", case_id, {"channel": None})
        self._events: list[dict] = []
        self._delivered_upto = 0
        self.referee = Referee(
            {cid: _referee_case(row) for cid, row in portfolio.cases.items()},
            {
                cid: RefereeConsumer(self._zones[cid], c.country, c.subdivision)
                for cid, c in portfolio.consumers.items()
            },
        )
        self._recovered: dict[str, int] = {}
        self._recovered_cases: set[str] = set()
        self._counts = {"attempts": 0, "messages": 0, "messages_refused": 0, "read": 0}

    def _traits(self, row: CaseRow, hidden: dict | None) -> Traits:
        if hidden is not None:
            return Traits.from_json(hidden)
        return default_traits(row, self._zones[row.consumer_id])

    # -- the protocol ---------------------------------------------------------------------

    def attempt(self, case_id: str, at: datetime, amount_minor: int) -> dict:
        with self._lock:
            case = self._case(case_id)
            if amount_minor <= 0:
                raise WorldError(400, "amount_minor must be a positive integer")
            self._tick(at)
            if case.owed == 0 or self.referee.is_paid(case_id):
                self.referee.check_attempt(case_id, at)
                raise WorldError(400, "the case is already paid")
            if amount_minor > case.owed:
                self.referee.breach(
                    "charge_more_than_owed", case_id, at, f"{amount_minor} > {case.owed} owed"
                )
                raise WorldError(400, f"only {case.owed} is still owed")
            self.referee.check_attempt(case_id, at)
            return self._charge(case, at, amount_minor)

    def _charge(self, case: _Case, at: datetime, amount_minor: int) -> dict:
        row = case.row
        context = AttemptContext(
            local_at=local(at, case.traits.zone),
            share=amount_minor / row.amount_minor,
            attempts_last_24h=1 + sum(1 for t, _ in case.attempts if t > at - timedelta(days=1)),
            declines_last_7d=sum(1 for t, ok in case.attempts if not ok and t > at - timedelta(7)),
            gateway=row.gateway,
        )
        reason = behaviour.attempt_reason(case.traits, case.instrument, context, case.rng)
        advice = None
        if reason == "approved":
            code = codes.approval_code(row.gateway)
            case.owed -= amount_minor
            self._recover(row, amount_minor)
            if case.owed == 0:
                self.referee.paid(row.case_id, at)
        else:
            if reason == "hard" and case.traits.hard_code:
                code = case.traits.hard_code
            else:
                code = codes.decline_code(reason, row.gateway, row.method, row.card_type, case.rng)
            if row.method == "card":
                advice = codes.advice_code(reason, code, row.card_network, case.rng)
        case.attempts.append((at, reason == "approved"))
        self.referee.record_attempt(row.case_id, at, code, advice, reason == "approved")
        self._counts["attempts"] += 1
        return {"approved": reason == "approved", "code": code, "merchant_advice_code": advice}

    def message(
        self, case_id: str, at: datetime, channel: str, payment_link: bool, urgent: bool
    ) -> dict:
        with self._lock:
            case = self._case(case_id)
            if channel not in CHANNELS:
                raise WorldError(400, f"channel must be one of {', '.join(CHANNELS)}")
            self._tick(at)
            self.referee.check_message(case_id, at, channel, urgent)
            refusal = self._refusal(case, channel)
            if refusal:
                self._counts["messages_refused"] += 1
                return {"accepted": False, "error": refusal}
            self.referee.record_message(case_id, at)
            self._counts["messages"] += 1
            self._react(case, at, channel, payment_link, urgent)
            return {"accepted": True, "error": None}

    def _refusal(self, case: _Case, channel: str) -> str | None:
        consumer = self._consumers[case.row.consumer_id]
        if self.referee.is_opted_out(consumer.consumer_id, channel):
            return f"the consumer opted out of {channel}"
        if channel == "email" and not consumer.email:
            return "the consumer has no email address"
        if channel in ("sms", "whatsapp") and not consumer.phone:
            return "the consumer has no phone number"
        return None

    def _react(self, case: _Case, at: datetime, channel: str, link: bool, urgent: bool) -> None:
        recent = sum(1 for t in case.messages if t > at - timedelta(days=7))
        case.messages.append(at)
        reaction = behaviour.react_to_message(
            case.traits, channel, local(at, case.traits.zone), recent, urgent, case.message_rng
        )
        case_id = case.row.case_id
        data = {"channel": channel, "link": link}
        kind = "delivered" if reaction.delivered else "failed_delivery"
        self._schedule(at + reaction.delivered_after, kind, case_id, data)
        if reaction.opted_out_after is not None:
            self._schedule(at + reaction.opted_out_after, "opted_out", case_id, data)
        if reaction.read_after is not None:
            self._schedule(at + reaction.read_after, "read", case_id, data)

    def events(self, until: datetime) -> list[dict]:
        with self._lock:
            self._tick(until)
            fresh = self._events[self._delivered_upto :]
            self._delivered_upto = len(self._events)
            return fresh

    def stats(self) -> dict:
        with self._lock:
            rules = dict.fromkeys(RULES, 0) | dict(self.referee.breaches)
            return {
                "breaches": rules,
                "breach_details": list(self.referee.details),
                "recovered_minor": dict(sorted(self._recovered.items())),
                "recovered_cases": len(self._recovered_cases),
                "cases": len(self._cases),
                "attempts": self._counts["attempts"],
                "messages": self._counts["messages"],
                "messages_refused": self._counts["messages_refused"],
                "messages_read": self._counts["read"],
                "clock": format_instant(self._clock) if self._clock else None,
            }

    # -- the clock and what happens on its own ---------------------------------------------

    def _case(self, case_id: str) -> _Case:
        if case_id not in self._cases:
            raise WorldError(404, f"no case {case_id}")
        return self._cases[case_id]

    def _tick(self, at: datetime) -> None:
        if self._clock is not None and at < self._clock:
            self.referee.breach(
                "clock_backwards", None, at, f"before the clock {format_instant(self._clock)}"
            )
            raise WorldError(
                400, f"time went backwards: the clock is at {format_instant(self._clock)}"
            )
        self._clock = at
        while self._pending and self._pending[0][0] <= at:
            when, _, kind, case_id, data = heapq.heappop(self._pending)
            self._happen(when, kind, self._cases[case_id], data)

    def _schedule(self, at: datetime, kind: str, case_id: str, data: dict) -> None:
        # Whole seconds, rounded up: an event's printed time is then its true time, and it
        # never comes before what caused it.
        if at.microsecond:
            at = at.replace(microsecond=0) + timedelta(seconds=1)
        self._sequence += 1
        heapq.heappush(self._pending, (at, self._sequence, kind, case_id, data))

    def _happen(self, at: datetime, kind: str, case: _Case, data: dict) -> None:
        channel = data.get("channel")
        case_id = case.row.case_id
        if kind == "read":
            self._counts["read"] += 1
            self._after_read(at, case, data)
        elif kind == "opted_out":  # scheduled only by _react, always with the message's channel
            self.referee.opted_out(case.row.consumer_id, data["channel"], at)
        elif kind == "payment_method_updated":
            if case.instrument == "ok":
                return
            case.instrument = "ok"
            self.referee.method_updated(case_id, at)
        elif kind == "paid":
            if case.owed == 0:
                return
            data = {"channel": channel, "amount": case.owed}
            self._recover(case.row, case.owed)
            case.owed = 0
            self.referee.paid(case_id, at)
        self._emit(at, kind, case_id, channel, data.get("amount"))

    def _after_read(self, at: datetime, case: _Case, data: dict) -> None:
        local_at = local(at, case.traits.zone)
        if data["link"] and case.owed > 0:
            share = case.owed / case.row.amount_minor
            delay = behaviour.pays_by_link(case.traits, local_at, share, case.message_rng)
            if delay is not None:
                self._schedule(at + delay, "paid", case.row.case_id, data)
        delay = behaviour.updates_method(case.traits, case.instrument, case.message_rng)
        if delay is not None and case.owed > 0:
            self._schedule(at + delay, "payment_method_updated", case.row.case_id, data)

    def _emit(
        self, at: datetime, kind: str, case_id: str, channel: str | None, amount: int | None
    ) -> None:
        self._events.append(
            {
                "case_id": case_id,
                "at": format_instant(at),
                "type": kind,
                "channel": channel,
                "amount_minor": amount,
            }
        )

    def _recover(self, row: CaseRow, amount: int) -> None:
        self._recovered[row.currency] = self._recovered.get(row.currency, 0) + amount
        self._recovered_cases.add(row.case_id)


RULES = (
    "charge_after_paid", "charge_more_than_owed", "clock_backwards", "retry_after_stop_code",
    "visa_30d", "mastercard_24h", "mastercard_30d", "mastercard_mac02_72h",
    "mastercard_retry_after", "enach_month", "upi_pre_debit", "message_quiet_hours",
    "message_holiday", "message_sunday", "message_daily_cap", "message_weekly_cap",
    "message_after_opt_out", "message_after_paid", "urgent_not_high_value",
    "urgent_more_than_once",
)  # fmt: skip


def _referee_case(row: CaseRow) -> RefereeCase:
    return RefereeCase(
        case_id=row.case_id,
        consumer_id=row.consumer_id,
        amount_minor=row.amount_minor,
        currency=row.currency,
        method=row.method,
        gateway=row.gateway,
        card_network=row.card_network,
        failed_at=row.failed_at,
        code=row.code,
        merchant_advice_code=row.merchant_advice_code,
    )


def default_traits(row: CaseRow, zone: str) -> Traits:
    """For a hand-made portfolio without hidden behaviour: a solvent consumer paid on the 1st,
    whose instrument is as broken as the case's code says."""
    instrument = "ok"
    if codes.is_stop_code(row.gateway, row.method, row.code, row.merchant_advice_code):
        instrument = "hard"
    elif row.code in ("223", "expired_card", "54", "21", "B1"):
        instrument = "expired"
    return Traits(
        consumer_id=row.consumer_id,
        zone=zone,
        pay=behaviour.PaySchedule("monthly", day=1),
        income_ratio=3.0,
        cover=0.9,
        buffer=1.0,
        base_approval=0.9,
        instrument=instrument,
        hard_code=row.code if instrument == "hard" else "",
        salt=behaviour.stable_int(row.consumer_id),
    )
