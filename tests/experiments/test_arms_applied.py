"""A consumer's experiment arm changes what `recovery run` does to their case: retry amounts,
notification timing, grace period, dunning sequence and retention offers; and cases that end
without the engine (by hand, at a counter) are recorded in the test automatically."""

import threading
from datetime import timedelta
from itertools import pairwise

from sqlalchemy import select, update

from app.db.recovery_tables import recovery_cases, recovery_decisions
from app.db.recovery_tables_experiments import recovery_experiment_outcomes
from app.services.experiments import create_experiment
from app.services.recovery_cases import change_status
from app.services.recovery_message_render import template_render
from tests.segment_rules.helpers import FAILED_AT, attempts_at, messages, one_case


def PAY_URL(case) -> str:
    return "https://pay.example/l"


def UNSUBSCRIBE_URL(channel, to, key) -> str:
    return "https://pay.example/u"


THREE_WEEKS = FAILED_AT + timedelta(days=21)
ALL_IN_FIRST = "0.9999999,0.0000001"  # C1 lands in the first arm (a 1 in 10 million miss)


def in_arm(engine, strategy: str, variant: str) -> int:
    """A running test on `strategy` whose first arm, `variant`, takes (almost) everyone."""
    made = create_experiment(
        engine,
        name=f"{strategy} test",
        strategy=strategy,
        variant_names=[variant, "control"],
        allocation=ALL_IN_FIRST,
        control="control",
        now=FAILED_AT - timedelta(days=1),
        by="mbrown",
    )
    return int(made["id"])


def charged_amounts(drive) -> list[int]:
    return [request.amount_minor for request in drive.gateway.charges]


def decision_kinds(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(recovery_decisions.c.kind)).scalars())


def test_without_a_test_the_whole_amount_is_charged_first(tmp_path):
    drive = one_case(tmp_path)
    drive.run_until(THREE_WEEKS)
    assert charged_amounts(drive)[0] == 12_500


def test_a_reduced_50_arm_charges_half_of_a_bill_and_the_rest_stays_owed(tmp_path):
    drive = one_case(tmp_path)
    in_arm(drive.engine, "retry_amounts", "reduced_50")
    drive.run_until(THREE_WEEKS)
    amounts = charged_amounts(drive)
    assert amounts and set(amounts) == {6_250}


def test_a_reduced_arm_charges_a_service_in_full(tmp_path):
    drive = one_case(tmp_path, product="service")  # a service cannot be paid in parts
    in_arm(drive.engine, "retry_amounts", "reduced_50")
    drive.run_until(THREE_WEEKS)
    assert set(charged_amounts(drive)) == {12_500}


def test_a_grace_period_arm_holds_charges_and_reminders(tmp_path):
    drive = one_case(tmp_path)
    in_arm(drive.engine, "grace_period", "7_days")
    drive.run_until(THREE_WEEKS)
    grace_over = FAILED_AT + timedelta(days=7)
    charges, sent = attempts_at(drive.engine), messages(drive.engine)
    assert charges and min(charges) >= grace_over
    assert not sent or min(at for at, _ in sent) >= grace_over


def test_a_delayed_notification_arm_sends_the_first_reminder_a_day_later(tmp_path):
    # A lost card cannot be retried: the consumer is asked for a new method at once...
    control = one_case(tmp_path / "control", code="lost_card", category="hard")
    control.run_until(FAILED_AT + timedelta(days=3))
    assert messages(control.engine)[0][0] < FAILED_AT + timedelta(hours=1)
    # ...unless their arm waits 24 hours.
    drive = one_case(tmp_path / "arm", code="lost_card", category="hard")
    in_arm(drive.engine, "notification_timing", "delayed_24h")
    drive.run_until(FAILED_AT + timedelta(days=3))
    sent = messages(drive.engine)
    assert sent and sent[0][0] >= FAILED_AT + timedelta(hours=24)


def test_a_gentle_dunning_arm_spaces_reminders_a_week_apart(tmp_path):
    drive = one_case(tmp_path, code="lost_card", category="hard")
    in_arm(drive.engine, "dunning_sequence", "gentle")
    drive.run_until(THREE_WEEKS)
    sent = [at for at, _ in messages(drive.engine)]
    assert len(sent) >= 2  # the policy asks again for a new method, 4 days later without it
    assert all(later - earlier >= timedelta(days=7) for earlier, later in pairwise(sent))


def test_the_dunning_arm_sets_the_reminders_tone(tmp_path):
    texts = {}
    for variant in ("aggressive", "gentle"):
        drive = one_case(tmp_path / variant, code="lost_card", category="hard")
        drive.render = template_render(PAY_URL, UNSUBSCRIBE_URL)
        in_arm(drive.engine, "dunning_sequence", variant)
        drive.run_until(FAILED_AT + timedelta(days=2))
        texts[variant] = drive.channels["email"].sent[0].text
    assert texts["aggressive"] != texts["gentle"]


def test_a_discount_arm_names_the_offer_in_the_reminder(tmp_path):
    texts = {}
    for variant in ("no_offer", "medium_discount"):
        drive = one_case(tmp_path / variant, code="lost_card", category="hard")
        drive.render = template_render(PAY_URL, UNSUBSCRIBE_URL)
        in_arm(drive.engine, "retention_offers", variant)
        drive.run_until(FAILED_AT + timedelta(days=2))
        texts[variant] = drive.channels["email"].sent[0].text
    assert "25% off" in texts["medium_discount"] and "% off" not in texts["no_offer"]


def test_a_plan_arm_turns_the_payment_link_reminder_into_a_plan_offer(tmp_path):
    drive = one_case(tmp_path)
    in_arm(drive.engine, "retention_offers", "payment_plan")
    drive.run_until(THREE_WEEKS)
    kinds = decision_kinds(drive.engine)
    assert "offer_plan" in kinds and "remind" not in kinds


def outcomes(engine) -> list[tuple[str, bool]]:
    o = recovery_experiment_outcomes.c
    with engine.connect() as connection:
        return [
            (r.case_id, r.recovered) for r in connection.execute(select(o.case_id, o.recovered))
        ]


def test_a_case_stopped_by_hand_is_recorded_as_not_recovered(tmp_path):
    drive = one_case(tmp_path)
    in_arm(drive.engine, "grace_period", "7_days")
    drive.worker().run(threading.Event(), once=True)  # enrols the consumer
    change_status(drive.engine, "K1", "stop", "the consumer moved away", FAILED_AT)
    drive.worker().run(threading.Event(), once=True)
    assert outcomes(drive.engine) == [("K1", False)]
    drive.worker().run(threading.Event(), once=True)  # recorded once, not again
    assert outcomes(drive.engine) == [("K1", False)]


def test_a_case_paid_at_a_counter_is_recorded_as_recovered(tmp_path):
    drive = one_case(tmp_path)
    in_arm(drive.engine, "grace_period", "7_days")
    drive.worker().run(threading.Event(), once=True)
    with drive.engine.begin() as connection:  # as the counter feed settles it
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == "K1")
            .values(status="at_counter", next_at=None)
        )
    drive.worker().run(threading.Event(), once=True)
    assert outcomes(drive.engine) == [("K1", True)]
