"""Each field of an edited segment configuration changes what `recovery run` does to a case;
without an edit the run is exactly what it was."""

from datetime import timedelta

from app.services.recovery_message_render import template_render
from tests.segment_rules.helpers import FAILED_AT, attempts_at, configure, messages, one_case

THREE_WEEKS = FAILED_AT + timedelta(days=21)


def PAY_URL(case) -> str:
    return "https://pay.example/l"


def UNSUBSCRIBE_URL(channel, to, key) -> str:
    return "https://pay.example/u"


def test_without_an_edit_the_case_is_charged_the_next_day_and_reminded_by_email(tmp_path):
    drive = one_case(tmp_path)
    drive.run_until(THREE_WEEKS)
    charges = attempts_at(drive.engine)
    assert charges[0] == FAILED_AT + timedelta(days=1) and len(charges) == 8
    assert [channel for _, channel in messages(drive.engine)] == ["email"]


def test_a_five_day_grace_period_means_nothing_happens_before_day_five(tmp_path):
    drive = one_case(tmp_path)
    configure(drive.engine, ("standard", "at_risk"), grace_period_days=5)  # high_value has 5
    drive.run_until(THREE_WEEKS)
    grace_over = FAILED_AT + timedelta(days=5)
    charges, sent = attempts_at(drive.engine), messages(drive.engine)
    assert charges and sent  # the case is worked after the grace period
    assert min(charges) >= grace_over and min(at for at, _ in sent) >= grace_over


def test_a_segment_with_only_sms_gets_no_email(tmp_path):
    drive = one_case(tmp_path)
    configure(drive.engine, channels=["sms"], grace_period_days=0)
    drive.run_until(THREE_WEEKS)
    channels = [channel for _, channel in messages(drive.engine)]
    assert channels and set(channels) == {"sms"}
    assert not drive.channels["email"].sent


def test_channels_follow_the_segments_order(tmp_path):
    drive = one_case(tmp_path)
    configure(drive.engine, channels=["whatsapp", "email"], grace_period_days=0)
    drive.run_until(THREE_WEEKS)
    assert next(channel for _, channel in messages(drive.engine)) == "whatsapp"


def test_gentle_aggressiveness_caps_and_spaces_the_attempts(tmp_path):
    drive = one_case(tmp_path)
    configure(drive.engine, retry_aggressiveness="gentle", max_retries=2, grace_period_days=0)
    drive.run_until(THREE_WEEKS)
    charges = attempts_at(drive.engine)
    assert len(charges) == 2  # 8 without the edit
    assert charges[1] - charges[0] >= timedelta(days=3)


def test_a_cap_of_no_retries_charges_nothing_and_sends_the_payment_link(tmp_path):
    drive = one_case(tmp_path)
    configure(drive.engine, max_retries=0, grace_period_days=0)
    drive.run_until(THREE_WEEKS)
    assert attempts_at(drive.engine) == []
    assert len(messages(drive.engine)) == 1


def test_the_segment_tone_picks_the_template_tone(tmp_path):
    texts = {}
    for tone in ("friendly", "firm"):
        drive = one_case(tmp_path / tone)
        drive.render = template_render(PAY_URL, UNSUBSCRIBE_URL)
        configure(drive.engine, tone=tone, channels=["email"], grace_period_days=0)
        drive.run_until(THREE_WEEKS)
        texts[tone] = drive.channels["email"].sent[0].text
    assert texts["friendly"] != texts["firm"]
