"""A consumer's past: a year of due payments, retried by an old fixed-ish system, and reminders.

Every outcome comes from the same hidden behaviour the world answers with (behaviour.py), so
the history is a fair training set for the future.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sync.simulation import behaviour, codes
from sync.simulation.behaviour import AttemptContext, Traits
from sync.simulation.localtime import format_instant, local, zone


@dataclass(frozen=True)
class Instrument:
    method: str
    gateway: str
    network: str
    card_type: str


@dataclass
class History:
    attempts: list[tuple] = field(default_factory=list)
    messages: list[tuple] = field(default_factory=list)


@dataclass
class _Series:
    consumer_id: str
    series_id: str
    amount: int
    first_at: datetime
    state: str  # the instrument's hidden state during this series
    cutoff: datetime  # the present: nothing after it is history yet
    fixed_at: datetime | None = None  # a new card / mandate put on file
    paid_at: datetime | None = None


def at_local(day: date, hour: int, minute: int, zone_name: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone(zone_name)).astimezone(
        UTC
    )


def consumer_history(
    traits: Traits,
    instrument: Instrument,
    typical_amount: int,
    due_day: int,
    batch_hour: int,
    channels: list[str],
    months: list[date],
    until: datetime,
    rng: random.Random,
) -> History:
    """All past series of one consumer (one per month in `months`), as known at `until`."""
    history = History()
    for number, month in enumerate(months, start=1):
        due = month.replace(day=min(due_day, 28))
        series = _Series(
            consumer_id=traits.consumer_id,
            series_id=f"S{traits.consumer_id[1:]}-{number:02d}",
            amount=round(typical_amount * rng.uniform(0.8, 1.2)),
            first_at=at_local(due, batch_hour, rng.randrange(60), traits.zone),
            state=rng.choices(("ok", "expired", "invalid", "hard"), (96.5, 1.5, 0.7, 1.3))[0],
            cutoff=until,
        )
        if series.state != "ok" and rng.random() < 0.55:
            series.fixed_at = series.first_at + timedelta(days=rng.uniform(1, 12))
        _play_series(traits, instrument, typical_amount, series, channels, history, rng)
    return history


def _play_series(
    traits: Traits,
    instrument: Instrument,
    typical: int,
    series: _Series,
    channels: list[str],
    history: History,
    rng: random.Random,
) -> None:
    at = series.first_at
    tried: list[tuple[datetime, bool]] = []
    max_attempts = rng.randint(3, 8)
    for attempt_number in range(1, max_attempts + 1):
        if at >= series.cutoff or (series.paid_at is not None and at >= series.paid_at):
            return
        state = "ok" if series.fixed_at is not None and at >= series.fixed_at else series.state
        reason = behaviour.attempt_reason(
            traits,
            state,
            AttemptContext(
                local_at=local(at, traits.zone),
                share=series.amount / typical,
                attempts_last_24h=1 + sum(1 for t, _ in tried if t > at - timedelta(days=1)),
                declines_last_7d=sum(1 for t, ok in tried if not ok and t > at - timedelta(7)),
                gateway=instrument.gateway,
            ),
            rng,
        )
        tried.append((at, reason == "approved"))
        _write_attempt(history, series, instrument, attempt_number, at, reason, rng)
        if reason == "approved":
            _drop_reminder_sent_after(history, series, at)
            return
        if attempt_number == 1:
            _remind(traits, series, state, typical, channels, history, rng)
        if reason == "hard" and rng.random() < 0.6:
            return  # most old systems stopped on a hard decline
        # The old system retried after 8 h to 5 days, at whatever hour its batch ran.
        at += timedelta(hours=rng.uniform(8, 120))
        at = at.replace(minute=rng.randrange(60)) + timedelta(hours=rng.choice((0, 0, 3, 7, 12)))


def _write_attempt(
    history: History,
    series: _Series,
    instrument: Instrument,
    attempt_number: int,
    at: datetime,
    reason: str,
    rng: random.Random,
) -> None:
    advice = ""
    if reason == "approved":
        code = codes.approval_code(instrument.gateway)
    else:
        code = codes.decline_code(
            reason, instrument.gateway, instrument.method, instrument.card_type, rng
        )
        if instrument.method == "card":
            advice = codes.advice_code(reason, code, instrument.network, rng) or ""
    history.attempts.append(
        (
            f"A{series.series_id[1:]}-{attempt_number}",
            series.consumer_id,
            series.series_id,
            format_instant(at),
            series.amount,
            "",  # currency: filled in by the caller
            instrument.method,
            instrument.gateway,
            instrument.network,
            instrument.card_type,
            attempt_number,
            "approved" if reason == "approved" else "declined",
            code,
            advice,
        )
    )


def _remind(
    traits: Traits,
    series: _Series,
    state: str,
    typical: int,
    channels: list[str],
    history: History,
    rng: random.Random,
) -> None:
    """The old system sometimes sent one reminder with a payment link after a decline."""
    if not channels or rng.random() >= 0.45:
        return
    channel = rng.choice(channels)
    day = local(series.first_at, traits.zone).date() + timedelta(days=rng.randint(1, 4))
    sent = at_local(day, rng.randint(8, 20), rng.randrange(60), traits.zone)
    reaction = behaviour.react_to_message(traits, channel, local(sent, traits.zone), 0, False, rng)
    if sent >= series.cutoff:
        return
    read_at = sent + reaction.read_after if reaction.read_after is not None else None
    if read_at is not None and read_at >= series.cutoff:
        read_at = None  # not read yet, as far as the records know
    paid_at = None
    if read_at is not None:
        share = series.amount / typical
        delay = behaviour.pays_by_link(traits, local(read_at, traits.zone), share, rng)
        paid_at = read_at + delay if delay is not None else None
        fixed = behaviour.updates_method(traits, state, rng)
        if fixed is not None and (series.fixed_at is None or read_at + fixed < series.fixed_at):
            series.fixed_at = read_at + fixed
    if paid_at is not None and paid_at >= series.cutoff:
        paid_at = None
    series.paid_at = paid_at
    number = len(history.messages) + 1
    history.messages.append(
        (
            f"M{series.series_id[1:]}-{number}",
            series.consumer_id,
            series.series_id,
            format_instant(sent),
            channel,
            format_instant(read_at) if read_at else "",
            format_instant(paid_at) if paid_at else "",
        )
    )


def _drop_reminder_sent_after(history: History, series: _Series, paid: datetime) -> None:
    """A reminder planned for after the payment was never sent."""
    last = history.messages[-1] if history.messages else None
    if last is not None and last[2] == series.series_id and last[3] > format_instant(paid):
        history.messages.pop()
