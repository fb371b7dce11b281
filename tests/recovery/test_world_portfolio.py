"""The generated portfolio: the protocol's four files, realistic, learnable and reproducible."""

import csv
import json
import re
import statistics
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from sync.simulation import behaviour
from sync.simulation.behaviour import Traits
from sync.simulation.localtime import local, resolve_zone
from sync.simulation.portfolio import generate

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("portfolio")
    generate(directory, cases=300, seed=7)
    return directory


def rows(directory: Path, name: str) -> list[dict]:
    with (directory / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_four_files_have_the_protocols_columns_in_order(portfolio):
    headers = {
        name: (portfolio / name).read_text("utf-8").splitlines()[0]
        for name in ("consumers.csv", "history.csv", "messages.csv", "cases.csv")
    }
    assert headers["consumers.csv"] == (
        "consumer_id,name,email,phone,country,subdivision,timezone,language,customer_since,vip"
    )
    assert headers["cases.csv"] == (
        "case_id,consumer_id,amount_minor,currency,method,gateway,card_network,card_type,"
        "failed_at,code,merchant_advice_code,product,due_date"
    )
    assert headers["history.csv"].startswith("attempt_id,consumer_id,series_id,attempted_at,")
    assert headers["messages.csv"] == (
        "message_id,consumer_id,series_id,sent_at,channel,read_at,paid_at"
    )


def test_consumers_live_in_several_zones_with_e164_phones_and_some_zones_left_to_derive(portfolio):
    consumers = rows(portfolio, "consumers.csv")
    assert {c["country"] for c in consumers} == {"US", "IN", "GB", "AU"}
    assert "Australia/Adelaide" in {c["timezone"] for c in consumers}  # a half-hour zone
    assert all(E164.match(c["phone"]) for c in consumers if c["phone"])
    assert any(not c["phone"] for c in consumers)
    assert {c["vip"] for c in consumers} == {"0", "1"}
    derived = [c for c in consumers if not c["timezone"]]
    assert derived
    assert all(
        resolve_zone("", c["phone"], c["country"], c["subdivision"]) != "UTC" for c in derived
    )


def test_cases_carry_the_gateways_real_codes_and_mastercard_advice_only_on_mastercard(portfolio):
    cases = rows(portfolio, "cases.csv")
    assert len(cases) == 300
    assert {(c["method"], c["gateway"]) for c in cases} >= {
        ("card", "nmi"), ("card", "stripe"), ("card", "razorpay"),
        ("enach", "razorpay"), ("upi_autopay", "razorpay"),
    }  # fmt: skip
    assert all(ISO_Z.match(c["failed_at"]) and int(c["amount_minor"]) > 0 for c in cases)
    assert all(c["card_network"] == "mastercard" for c in cases if c["merchant_advice_code"])
    by_gateway = {g: {c["code"] for c in cases if c["gateway"] == g} for g in ("nmi", "stripe")}
    assert {"202", "201"} <= by_gateway["nmi"]
    assert "insufficient_funds" in by_gateway["stripe"]
    assert "04" in {
        c["code"] for c in cases if c["method"] == "enach"
    }  # NACH: balance insufficient
    assert "Z9" in {c["code"] for c in cases if c["method"] == "upi_autopay"}


def test_some_cases_are_high_value_for_urgent_messages(portfolio):
    cases = rows(portfolio, "cases.csv")
    by_currency: dict[str, list[int]] = {}
    for case in cases:
        by_currency.setdefault(case["currency"], []).append(int(case["amount_minor"]))
    high = sum(
        amount >= 10 * statistics.median(amounts)
        for amounts in by_currency.values()
        for amount in amounts
    )
    assert 1 <= high <= len(cases) * 0.08


def test_history_is_large_enough_to_learn_from(portfolio):
    history = rows(portfolio, "history.csv")
    messages = rows(portfolio, "messages.csv")
    assert len(history) >= 10 * 300
    assert Counter(h["outcome"] for h in history).keys() == {"approved", "declined"}
    assert any(m["read_at"] for m in messages) and any(m["paid_at"] for m in messages)
    assert all(ISO_Z.match(h["attempted_at"]) for h in history)


def test_history_and_past_reminders_end_before_each_consumers_failed_payment(portfolio):
    failed_at = {c["consumer_id"]: c["failed_at"] for c in rows(portfolio, "cases.csv")}
    history = rows(portfolio, "history.csv")
    messages = rows(portfolio, "messages.csv")
    assert all(h["attempted_at"] < failed_at[h["consumer_id"]] for h in history)
    for message in messages:
        latest = max(message["sent_at"], message["read_at"], message["paid_at"])
        assert latest < failed_at[message["consumer_id"]]


def test_history_shows_the_hidden_payday_and_hour_effects(portfolio):
    """Approvals cluster after paydays and avoid the small hours, as the world will answer."""
    hidden = json.loads((portfolio / ".world" / "hidden.json").read_text())["consumers"]
    traits = {cid: Traits.from_json(t) for cid, t in hidden.items()}
    by_hour: dict[str, list[bool]] = {"night": [], "day": []}
    by_payday: dict[str, list[bool]] = {"fresh": [], "late": []}
    for attempt in rows(portfolio, "history.csv"):
        consumer = traits[attempt["consumer_id"]]
        at = local(datetime.fromisoformat(attempt["attempted_at"]), consumer.zone)
        approved = attempt["outcome"] == "approved"
        if at.hour < 5 or 9 <= at.hour < 13:
            by_hour["night" if at.hour < 5 else "day"].append(approved)
        since = behaviour.days_since_payday(consumer, at)
        if consumer.pay.kind == "monthly" and (since < 4 or since > 20):
            by_payday["fresh" if since < 4 else "late"].append(approved)

    rate = {k: sum(v) / len(v) for k, v in (by_hour | by_payday).items()}
    assert rate["day"] > rate["night"] + 0.05
    assert rate["fresh"] > rate["late"] + 0.1


def test_the_same_seed_writes_the_same_files_and_another_seed_other_files(tmp_path):
    generate(tmp_path / "a", cases=40, seed=3)
    generate(tmp_path / "b", cases=40, seed=3)
    generate(tmp_path / "c", cases=40, seed=4)
    for name in ("consumers.csv", "history.csv", "messages.csv", "cases.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "cases.csv").read_bytes() != (
        tmp_path / "c" / "cases.csv"
    ).read_bytes()


def test_the_command_line_writes_a_portfolio_and_says_how_big_it_is(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "sync.simulation.portfolio", str(tmp_path / "p"),
         "--cases", "20", "--seed", "5"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    counts = json.loads(done.stdout)
    assert counts["cases"] == counts["consumers"] == 20
    assert counts["history"] == len(rows(tmp_path / "p", "history.csv"))


@pytest.mark.parametrize(
    ("schedule", "says"),
    [
        (dict(kind="monthly"), "day of the month 1-31, not 0"),
        (dict(kind="monthly", day=32), "day of the month 1-31, not 32"),
        (dict(kind="biweekly"), "ISO date of one payday"),
        (dict(kind="weekly"), "unknown pay schedule 'weekly'"),
    ],
)
def test_a_pay_schedule_that_cannot_name_its_payday_is_refused_when_made(schedule, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        behaviour.PaySchedule(**schedule)


def test_a_monthly_payday_on_the_31st_falls_on_the_last_business_day_of_short_months():
    pay = behaviour.PaySchedule("monthly", day=31)
    assert behaviour.is_payday(pay, datetime(2026, 2, 27).date())  # Friday, 28th is a Saturday
    assert not behaviour.is_payday(pay, datetime(2026, 2, 28).date())
