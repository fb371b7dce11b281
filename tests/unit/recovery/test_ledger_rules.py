"""The network-rule ledger: no sequence of codes and times yields an attempt the rules forbid."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.recovery.code_tables import load_decline_codes
from app.recovery.ledger import AttemptLedger, AttemptPermit, AttemptRefused
from app.recovery.network_rules import CaseState, NetworkLimits
from tests.unit.recovery.reference_rules import Reference

CODES = load_decline_codes()
START = datetime(2027, 1, 4, tzinfo=UTC)

CARD_CODES = {
    "nmi": ["201", "202", "203", "223", "250", "251", "261", "264", "300", "999"],
    "stripe": [
        "insufficient_funds",
        "do_not_honor",
        "lost_card",
        "expired_card",
        "previously_declined_do_not_retry",
        "processing_error",
        "mystery",
    ],
    "razorpay": ["51", "05", "54", "41", "43", "46", "R0", "R1", "R3", "91", "Z1"],
}
OTHER_CODES = {
    "enach": ["04", "05", "01", "06", "59", "XX"],
    "upi_autopay": ["Z9", "U30", "ZA", "XH", "UP", "QQ"],
}


@st.composite
def cases(draw):
    method = draw(st.sampled_from(["card", "card", "enach", "upi_autopay"]))
    if method == "card":
        gateway = draw(st.sampled_from(sorted(CARD_CODES)))
        network = draw(st.sampled_from(["visa", "mastercard", "amex", "rupay"]))
        codes = CARD_CODES[gateway]
    else:
        gateway, network, codes = "razorpay", "", OTHER_CODES[method]
    return method, gateway, network, codes


def _outcome(draw, codes, network):
    code = draw(st.sampled_from(codes))
    mac = draw(st.sampled_from(["", "", "01", "02", "03", "21", "24", "25", "29", "30", "77"]))
    return code, mac if network == "mastercard" else ""


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), case=cases())
def test_no_sequence_leads_to_an_attempt_the_rules_forbid(data, case):
    method, gateway, network, codes = case
    ledger = AttemptLedger()
    reference = Reference(method, network)
    reference.gateway = gateway
    code, mac = _outcome(data.draw, codes, network)
    first = CODES.classify(
        gateway=gateway, method=method, network=network, code=code, advice_code=mac
    )
    ledger.open_case(
        "c1", method=method, network=network, instrument="i1", failed_at=START, decline=first
    )
    reference.attempts.append((START, 0, code, mac))
    now = START
    steps = data.draw(
        st.lists(
            st.sampled_from(["try", "try", "try_earliest", "wait", "update", "notice"]), max_size=40
        )
    )
    for step in steps:
        if step == "wait":
            now += timedelta(minutes=data.draw(st.integers(1, 60 * 24 * 9)))
        elif step == "update":
            ledger.method_updated("c1", now)
            reference.generation += 1
        elif step == "notice":
            ledger.notice_sent("c1", now)
            reference.notices.append(now)
        else:
            if step == "try_earliest":
                earliest = ledger.next_allowed_time("c1", now)
                if earliest is None:
                    continue
                assert ledger.allowed("c1", earliest).allowed
                now = earliest
            try:
                permit = ledger.permit("c1", now)
            except AttemptRefused:
                continue
            reference.check(now)
            code, mac = _outcome(data.draw, codes, network)
            decline = CODES.classify(
                gateway=gateway, method=method, network=network, code=code, advice_code=mac
            )
            ledger.settle(permit, approved=False, decline=decline)
            reference.attempts.append((now, reference.generation, code, mac))


def test_permits_cannot_be_made_outside_the_ledger():
    with pytest.raises(TypeError, match=r"granted by AttemptLedger\.permit"):
        AttemptPermit("c1", START, "i1")


def _visa_case(ledger: AttemptLedger, code: str = "51") -> None:
    decline = CODES.classify(gateway="razorpay", method="card", network="visa", code=code)
    ledger.open_case(
        "c1", method="card", network="visa", instrument="i1", failed_at=START, decline=decline
    )


def test_a_paid_case_is_never_charged():
    for state in (CaseState.PAID, CaseState.PAUSED, CaseState.DISPUTED, CaseState.AT_COUNTER):
        ledger = AttemptLedger()
        _visa_case(ledger)
        ledger.set_state("c1", state)
        assert not ledger.allowed("c1", START + timedelta(days=3)).allowed
        assert ledger.next_allowed_time("c1", START) is None


def test_a_category_one_code_blocks_until_a_new_card_then_allows_one_immediate_retry():
    ledger = AttemptLedger()
    _visa_case(ledger, "R0")
    assert ledger.next_allowed_time("c1", START) is None
    later = START + timedelta(days=2)
    ledger.method_updated("c1", later)
    assert ledger.allowed("c1", later).allowed
    assert ledger.book("c1").fresh_method


def test_visa_allows_fifteen_attempts_in_thirty_days_counting_the_failure():
    ledger = AttemptLedger()
    _visa_case(ledger)
    soft = CODES.classify(gateway="razorpay", method="card", network="visa", code="51")
    at = START
    for _ in range(14):
        at += timedelta(hours=1)
        ledger.settle(ledger.permit("c1", at), approved=False, decline=soft)
    assert not ledger.allowed("c1", at + timedelta(hours=1)).allowed
    freed = ledger.next_allowed_time("c1", at)
    assert freed is not None and freed > START + timedelta(days=30)


def test_the_visa_cap_is_configurable_but_never_above_twenty():
    assert NetworkLimits(visa_per_30_days=10).visa_per_30_days == 10
    with pytest.raises(Exception, match="at most 20"):
        NetworkLimits(visa_per_30_days=21)


def test_enach_allows_three_presentations_a_month():
    ledger = AttemptLedger()
    decline = CODES.classify(gateway="razorpay", method="enach", network="", code="04")
    ledger.open_case(
        "c1", method="enach", network="", instrument="m1", failed_at=START, decline=decline
    )
    at = START
    for _ in range(2):
        at += timedelta(days=2)
        ledger.settle(ledger.permit("c1", at), approved=False, decline=decline)
    assert not ledger.allowed("c1", at + timedelta(days=2)).allowed
    next_month = ledger.next_allowed_time("c1", at)
    assert next_month is not None and next_month.month == 2


def test_upi_autopay_needs_a_notice_a_day_before():
    ledger = AttemptLedger()
    decline = CODES.classify(gateway="razorpay", method="upi_autopay", network="", code="Z9")
    ledger.open_case(
        "c1", method="upi_autopay", network="", instrument="u1", failed_at=START, decline=decline
    )
    assert ledger.next_allowed_time("c1", START) is None
    ledger.notice_sent("c1", START + timedelta(hours=2))
    assert not ledger.allowed("c1", START + timedelta(hours=20)).allowed
    assert ledger.next_allowed_time("c1", START) == START + timedelta(hours=26)
