"""The policies through the engine, on fakes: schedules, hard declines, new methods, fallback."""

from datetime import timedelta
from itertools import pairwise

from app.recovery.policies.smart import SmartPolicy
from app.recovery.ports import WorldEvent
from app.services.recovery_simulate import simulate
from tests.unit.recovery.fakes import (
    START,
    FakeRecords,
    FakeUnitOfWork,
    FakeWorld,
    case,
    portfolio,
)


def _run(cases, policy, world=None, days=30):
    world = world or FakeWorld()
    records = FakeRecords()
    report = simulate(
        portfolio(cases),
        world,
        start=START,
        days=days,
        policy_name=policy,
        records=lambda: FakeUnitOfWork(records),
    )
    return report, world, records


def _offsets(world, failed_at):
    return [round((at - failed_at) / timedelta(hours=1)) for _, at, _ in world.attempts]


def test_daily_3_retries_once_a_day_for_three_days():
    failed = START
    report, world, _ = _run([case(failed_at=failed)], "daily-3")
    assert _offsets(world, failed) == [24, 48, 72]
    assert report.attempts == 3


def test_killbill_retries_after_8_16_and_24_days():
    failed = START
    _, world, _ = _run([case(failed_at=failed)], "killbill-8-8-8")
    assert _offsets(world, failed) == [8 * 24, 16 * 24, 24 * 24]


def test_fixed_8_in_14_spreads_eight_retries_over_two_weeks():
    failed = START
    _, world, _ = _run([case(failed_at=failed)], "fixed-8-in-14")
    offsets = _offsets(world, failed)
    assert len(offsets) == 8
    assert offsets[-1] <= 14 * 24
    assert all(b - a >= 40 for a, b in pairwise(offsets))


def test_no_policy_retries_a_hard_decline():
    for policy in ("smart", "daily-3", "fixed-8-in-14", "killbill-8-8-8"):
        _, world, _ = _run([case(code="251")], policy)  # NMI: lost card
        assert world.attempts == [], policy


def test_smart_asks_a_hard_declined_consumer_for_a_new_method_then_retries_at_once():
    updated = START + timedelta(days=3, hours=1)
    world = FakeWorld(
        approve=lambda case_id, at: at >= updated,
        scripted_events=[WorldEvent("K1", updated, "payment_method_updated", None, 0)],
    )
    report, world, records = _run([case(code="251")], "smart", world)
    assert world.messages and world.messages[0][3] is True  # with a payment link
    assert len(world.attempts) == 1
    assert world.attempts[0][1] - updated < timedelta(hours=2)
    assert report.recovered_minor == {"USD": 5_000}
    assert records.statuses["K1"] == "paid"


def test_a_paid_case_is_not_charged_again():
    world = FakeWorld(
        scripted_events=[WorldEvent("K1", START + timedelta(hours=3), "paid", "email", 5_000)]
    )
    report, world, _ = _run([case()], "daily-3", world)
    assert world.attempts == []
    assert report.recovered_cases == 1


def test_smart_falls_back_to_rules_with_too_little_history_and_says_so():
    report, world, records = _run([case()], "smart")
    assert any("too little history" in note for note in report.notes)
    reasons = [d["reason"] for d in records.rows["decisions"] if d["kind"] == "retry_at"]
    assert reasons and all("too little history" in r for r in reasons)
    assert 0 < len(world.attempts) <= SmartPolicy.max_retries


def test_every_decision_is_stored_with_its_reason():
    _, _, records = _run([case()], "daily-3")
    assert records.rows["decisions"]
    assert all(d["reason"] and d["policy"] == "daily-3" for d in records.rows["decisions"])
    assert len(records.rows["attempts"]) == 3


def test_a_high_value_hard_decline_gets_its_one_urgent_message_on_a_sunday_evening():
    # 4 Jan 2027 00:00 UTC is Sunday 19:00 in New York: the next open hour is 13 h away.
    cases = [case(f"K{n}", f"C{n}", failed_at=START - timedelta(hours=1)) for n in range(9)]
    cases.append(case("BIG", "CBIG", amount_minor=100_000, code="251"))
    _, world, _ = _run(cases, "smart", days=3)
    big = [m for m in world.messages if m[0] == "BIG"]
    assert big[0][1] == START and big[0][4] is True
    assert sum(1 for m in world.messages if m[4]) == 1
    assert all(not m[4] for m in world.messages if m[0] != "BIG")


def test_the_policy_names_the_parsers_list_are_the_schedules_there_are() -> None:
    from app.recovery.policies.fixed import SCHEDULES
    from app.recovery.policy_names import SCHEDULE_NAMES

    assert tuple(SCHEDULES) == SCHEDULE_NAMES
