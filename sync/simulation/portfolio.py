"""Generate a realistic, seeded portfolio of failed payments for `tilldesk recovery simulate`.

    python -m sync.simulation.portfolio DIR --cases 2000 --seed 7 [--start 2027-01-04T00:00:00Z]

writes consumers.csv, history.csv, messages.csv and cases.csv (the protocol of issue 10) and
the world's secret `.world/hidden.json`. The same seed gives the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sync.simulation import behaviour, codes
from sync.simulation.behaviour import AttemptContext, PaySchedule, Traits
from sync.simulation.history import Instrument, at_local, consumer_history
from sync.simulation.localtime import format_instant, local, parse_instant
from sync.simulation.portfolio_files import (
    CASE_COLUMNS,
    CONSUMER_COLUMNS,
    HISTORY_COLUMNS,
    MESSAGE_COLUMNS,
    write_hidden,
    write_rows,
)
from sync.simulation.regions import PRODUCTS, REGIONS, Place, Region

DEFAULT_START = "2027-01-04T00:00:00Z"
HISTORY_MONTHS = 12
HIGH_VALUE_SHARE = 0.03
T = TypeVar("T")


@dataclass
class _Consumer:
    row: tuple
    traits: Traits
    region: Region
    instrument: Instrument
    channels: list[str]


def _pick(rng: random.Random, weighted: tuple[tuple[T, float], ...]) -> T:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _consumer(number: int, rng: random.Random) -> _Consumer:
    region = rng.choices(REGIONS, [r.weight for r in REGIONS])[0]
    place: Place = rng.choice(region.places)
    consumer_id = f"C{number:06d}"
    first, last = rng.choice(region.first_names), rng.choice(region.last_names)
    phone = "" if rng.random() < 0.08 else _phone(region, place, rng)
    email = "" if rng.random() < 0.03 else f"{first}.{last}{number}@example.com".lower()
    derive_zone = region.zone_derivable and phone and rng.random() < 0.15
    language = rng.choice(place.languages or region.languages)
    since = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
    vip = rng.random() < 0.04
    row = (
        consumer_id, f"{first} {last}", email, phone, region.country, place.subdivision,
        "" if derive_zone else place.zone, language, since.isoformat(), int(vip),
    )  # fmt: skip
    method, gateway = _pick(rng, region.methods)
    network, card_type = "", ""
    if method == "card":
        network = _pick(rng, region.networks)
        card_type = rng.choices(("debit", "credit", "prepaid"), (55, 38, 7))[0]
    channels = [c for c, ok in (("email", email), ("sms", phone)) if ok]
    has_whatsapp = bool(phone) and rng.random() < region.whatsapp_share
    if has_whatsapp:
        channels.append("whatsapp")
    traits = _traits(consumer_id, place.zone, region, method, vip, has_whatsapp, rng)
    return _Consumer(row, traits, region, Instrument(method, gateway, network, card_type), channels)


def _phone(region: Region, place: Place, rng: random.Random) -> str:
    if region.country == "US":
        return f"+1{rng.choice(place.area_codes)}555{rng.randrange(100, 200):04d}"
    if region.country == "IN":
        return f"+91{rng.choice('6789')}{rng.randrange(10**8, 10**9)}"
    if region.country == "GB":
        return f"+447{rng.choice('45789')}{rng.randrange(10**7, 10**8)}"
    return f"+614{rng.randrange(10**7, 10**8)}"


def _traits(
    consumer_id: str,
    zone: str,
    region: Region,
    method: str,
    vip: bool,
    has_whatsapp: bool,
    rng: random.Random,
) -> Traits:
    kind = _pick(rng, region.pay_kinds)
    pay = PaySchedule(
        kind=kind,
        day=rng.choice(region.monthly_days),
        anchor=(date(2026, 1, 2) + timedelta(days=7 * rng.randrange(2))).isoformat(),
        salt=rng.randrange(10**9),
    )
    wealth = rng.random()
    income = rng.uniform(0.35, 0.9) if wealth < 0.1 else rng.uniform(0.9, 1.4)
    if wealth >= 0.3:
        income = rng.uniform(1.4, 4.0)
    broken = {"card": (95.8, 2, 0.7, 1.5), "enach": (97, 1.2, 0, 1.8), "upi_autopay": (97, 1, 0, 2)}
    instrument = rng.choices(("ok", "expired", "invalid", "hard"), broken[method])[0]
    never_fixes = instrument == "hard" and rng.random() < 0.45
    return Traits(
        consumer_id=consumer_id,
        zone=zone,
        pay=pay,
        income_ratio=round(income, 3),
        cover=round(rng.uniform(0.3, 1.0), 3),
        buffer=round(
            rng.choices((0.0, rng.uniform(0.2, 0.9), rng.uniform(1.0, 3.0)), (10, 25, 65))[0], 3
        ),
        base_approval=round(rng.uniform(0.88, 0.99) + (0.01 if vip else 0), 3),
        instrument=instrument,
        updater_days=round(rng.uniform(3, 30), 2)
        if instrument == "expired" and method == "card" and rng.random() < 0.45
        else None,
        read_mult=round(rng.uniform(0.4, 1.6), 3),
        link_propensity=round(0.05 if rng.random() < 0.3 else rng.uniform(0.2, 0.75), 3),
        update_propensity=0.0 if never_fixes else round(rng.uniform(0.15, 0.6), 3),
        opt_out_mult=round(rng.uniform(0.5, 2.0), 3),
        email_bounces=rng.random() < 0.04,
        has_whatsapp=has_whatsapp,
        salt=rng.randrange(10**9),
    )


def _amount(region: Region, rng: random.Random) -> tuple[str, int]:
    product, _, scale = rng.choices(PRODUCTS, [p[1] for p in PRODUCTS])[0]
    median = region.bill_median_minor * scale
    if rng.random() < HIGH_VALUE_SHARE:
        median = region.bill_median_minor * rng.uniform(14, 30)
    amount = median * rng.lognormvariate(0, 0.45)
    unit = 100 if region.currency == "INR" else 1
    return product, max(unit * 5, round(amount / unit) * unit)


def _case(consumer: _Consumer, number: int, start: datetime, rng: random.Random) -> tuple | None:
    """The due charge of the last days before start; a case when it failed, else None."""
    traits, instrument = consumer.traits, consumer.instrument
    product, amount = _amount(consumer.region, rng)
    day = local(start, traits.zone).date() - timedelta(days=rng.randint(1, 3))
    failed_at = at_local(day, _batch_hour(traits), rng.randrange(60), traits.zone)
    context = AttemptContext(local(failed_at, traits.zone), 1.0, 1, 0, instrument.gateway)
    reason = behaviour.attempt_reason(traits, traits.instrument, context, rng)
    if reason == "approved":
        return None
    if reason == "hard":
        traits.hard_code = codes.decline_code(
            "hard", instrument.gateway, instrument.method, instrument.card_type, rng
        )
    code = traits.hard_code or codes.decline_code(
        reason, instrument.gateway, instrument.method, instrument.card_type, rng
    )
    advice = ""
    if instrument.method == "card":
        advice = codes.advice_code(reason, code, instrument.network, rng) or ""
    return (
        f"RC{number:06d}", traits.consumer_id, amount, consumer.region.currency,
        instrument.method, instrument.gateway, instrument.network, instrument.card_type,
        format_instant(failed_at), code, advice, product, day.isoformat(),
    )  # fmt: skip


def _batch_hour(traits: Traits) -> int:
    """The merchant's nightly batch hour for this consumer (many charge in the small hours)."""
    seeded = random.Random(traits.salt)
    return seeded.choice((1, 2, 3, 4)) if seeded.random() < 0.2 else seeded.randint(8, 20)


def generate(directory: Path, cases: int, seed: int, start: str = DEFAULT_START) -> dict:
    """Write the portfolio and return how many rows each file got."""
    directory.mkdir(parents=True, exist_ok=True)
    begin = parse_instant(start)
    rng = random.Random(seed)
    consumers: list[_Consumer] = []
    case_rows: list[tuple] = []
    # Draw consumers until enough of their last due charges failed: the cases are the
    # failures of an ordinary population, so most consumers' charges went through.
    while len(case_rows) < cases:
        number = len(case_rows) + 1
        consumer = _consumer(number, rng)
        case = _case(consumer, number, begin, rng)
        if case is not None:
            consumers.append(consumer)
            case_rows.append(case)
    months = _past_months(begin)
    attempts: list[tuple] = []
    messages: list[tuple] = []
    for consumer, case in zip(consumers, case_rows, strict=True):
        typical = case[2]
        past = consumer_history(
            consumer.traits,
            consumer.instrument,
            typical,
            due_day=random.Random(consumer.traits.salt + 1).randint(1, 28),
            batch_hour=_batch_hour(consumer.traits),
            channels=consumer.channels,
            months=months,
            until=parse_instant(case[8]),
            rng=random.Random(seed * 1_000_003 + consumer.traits.salt),
        )
        currency = consumer.region.currency
        attempts.extend((*row[:5], currency, *row[6:]) for row in past.attempts)
        messages.extend(past.messages)
    attempts.sort(key=lambda row: (row[3], row[0]))
    messages.sort(key=lambda row: (row[3], row[0]))
    counts = {
        "consumers": write_rows(
            directory / "consumers.csv", CONSUMER_COLUMNS, (c.row for c in consumers)
        ),
        "history": write_rows(directory / "history.csv", HISTORY_COLUMNS, attempts),
        "messages": write_rows(directory / "messages.csv", MESSAGE_COLUMNS, messages),
        "cases": write_rows(directory / "cases.csv", CASE_COLUMNS, case_rows),
    }
    write_hidden(
        directory,
        {"seed": seed, "consumers": {c.traits.consumer_id: c.traits.to_json() for c in consumers}},
    )
    return counts


def _past_months(start: datetime) -> list[date]:
    first = start.astimezone(UTC).date().replace(day=1)
    months = []
    for back in range(HISTORY_MONTHS, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(date(year, month + 1, 1))
    return months


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sync.simulation.portfolio", description=__doc__
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", default=DEFAULT_START, help="the simulation's start (UTC)")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    print(json.dumps(generate(args.directory, args.cases, args.seed, args.start)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
