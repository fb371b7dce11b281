"""The segment's offers decide whether the payment page offers a plan; the lookup classifies
a case once per visit and not at all while nothing is edited."""

from datetime import timedelta

from app.recovery.segment_rules import rules_from_config, segment_channels
from app.recovery.smart_collect.segments import DEFAULT_CONFIGS
from app.services.payment_links import PaymentLinks
from app.services.segment_rules_lookup import SegmentLookup
from tests.segment_rules.helpers import FAILED_AT, configure, one_case

SECRET = b"segment-rules-test-secret-0123456789abcdef"
NOW = FAILED_AT + timedelta(hours=2)


def _alternatives(tmp_path, **case):
    drive = one_case(tmp_path, **case)
    return drive.engine, lambda: _page(drive.engine)


def _page(engine) -> tuple[str, ...]:
    links = PaymentLinks(engine, lambda: SECRET, lambda: NOW)
    return links.page(links.issue("K1").token).alternatives


def test_a_plan_is_offered_for_funds_until_the_segment_drops_the_offer(tmp_path):
    engine, alternatives = _alternatives(tmp_path)
    assert "plan" in alternatives()  # the built-in rule: insufficient funds may get a plan
    configure(engine, offers=["call_back"])
    assert "plan" not in alternatives()


def test_a_segment_offering_plans_offers_one_whatever_the_decline(tmp_path):
    engine, alternatives = _alternatives(tmp_path, code="expired_card", category="hard")
    assert "plan" not in alternatives()
    configure(engine, offers=["payment_plan"])
    assert "plan" in alternatives()


def test_nothing_edited_means_no_rules_and_no_classification(tmp_path, monkeypatch):
    drive = one_case(tmp_path)
    lookup = SegmentLookup(drive.engine)
    monkeypatch.setattr(
        "app.services.segment_rules_lookup.case_segment",
        lambda *args: (_ for _ in ()).throw(AssertionError("classified without an edit")),
    )
    assert lookup.rules_for("K1", NOW) is None


def test_an_edit_reaches_the_lookup_and_is_cached_for_the_visit(tmp_path, monkeypatch):
    drive = one_case(tmp_path)
    configure(drive.engine, channels=["sms"])
    lookup = SegmentLookup(drive.engine)
    rules = lookup.rules_for("K1", NOW)
    assert rules is not None and rules.channels == ("sms",) and rules.version == 1
    monkeypatch.setattr(
        "app.services.segment_rules_lookup.case_segment",
        lambda *args: (_ for _ in ()).throw(AssertionError("classified twice in one visit")),
    )
    assert lookup.rules_for("K1", NOW + timedelta(seconds=5)) == rules


def test_the_seeds_configurations_map_onto_engine_knobs():
    at_risk = rules_from_config("at_risk", 1, DEFAULT_CONFIGS["at_risk"])
    assert (at_risk.tone, at_risk.grace, at_risk.max_attempts) == (
        "friendly",
        timedelta(days=15),
        3,
    )
    assert at_risk.spacing == timedelta(days=3) and at_risk.likelihood_factor == 2.0
    high = rules_from_config("high_value", 1, DEFAULT_CONFIGS["high_value"])
    assert high.tone == "professional" and high.spacing == timedelta(0)
    assert segment_channels(high, ["email", "sms"]) == ["sms", "email"]
    assert segment_channels(None, ["email", "sms"]) == ["email", "sms"]
