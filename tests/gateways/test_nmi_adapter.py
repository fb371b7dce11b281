"""The NMI adapter against a loopback server speaking NMI's Direct Post and Query APIs."""

from datetime import UTC, datetime

import pytest

from sync.gateways.adapters.nmi import NmiAdapter
from sync.gateways.adapters.nmi_xml import parse_query_response
from sync.gateways.errors import GatewayError


def _charge(nmi, amount=14550, key="key-1"):
    return nmi.charge(amount, "USD", "tok-visa", "PAY-2025-004521", key, account_number="WU-10001")


def test_a_sale_posts_the_payment_sending_the_amount_as_a_decimal_string(nmi, fake_nmi):
    result = _charge(nmi)
    assert (result.approved, result.status, result.settlement) == (True, "Posted", "In Progress")
    assert result.message == "SUCCESS"
    (sent,) = [r.form for r in fake_nmi.requests if r.path.endswith("/transact.php")]
    assert (sent["type"], sent["amount"], sent["payment_token"]) == ("sale", "145.50", "tok-visa")
    assert "ccnumber" not in sent  # only the token ever leaves us


def test_a_decline_is_a_failed_result_with_nmis_response_code(nmi):
    result = _charge(nmi, amount=50)
    assert (result.approved, result.status, result.decline_code) == (False, "Failed", "200")
    assert result.message == "DECLINE"


def test_status_reads_the_query_xml_into_our_terms(nmi, fake_nmi):
    charged = _charge(nmi)
    before = nmi.status(charged.external_id)
    fake_nmi.settle(charged.external_id)
    after = nmi.status(charged.external_id)
    assert (before.status, before.settlement, before.amount_minor) == (
        "Posted",
        "In Progress",
        14550,
    )
    assert (before.account_number, before.last4) == ("WU-10001", "1111")
    assert (after.status, after.settlement) == ("Posted", "Settled")


def test_a_void_cancels_an_unsettled_sale_and_a_settled_one_cannot_be_voided(nmi, fake_nmi):
    first, second = _charge(nmi, key="k1"), _charge(nmi, key="k2")
    voided = nmi.void(first.external_id)
    assert (voided.approved, voided.status) == (True, "Cancelled")
    fake_nmi.settle(second.external_id)
    with pytest.raises(GatewayError, match="pending settlement can be voided"):
        nmi.void(second.external_id)


def test_a_partial_refund_is_its_own_transaction_and_shows_on_the_sale(nmi):
    charged = _charge(nmi)
    refund = nmi.refund(charged.external_id, 4550)
    assert refund.succeeded and refund.refund_id != charged.external_id
    assert refund.amount_minor == 4550
    assert nmi.status(charged.external_id).refunded_minor == 4550


def test_5xx_on_a_status_query_is_retried(nmi, fake_nmi, sleeps):
    charged = _charge(nmi)
    fake_nmi.fail_next(2, 502)
    assert nmi.status(charged.external_id).status == "Posted"
    assert len(sleeps) == 2


def test_a_sale_whose_answer_was_lost_is_found_by_its_order_id_not_charged_twice(nmi, fake_nmi):
    fake_nmi.lose_next_answer()
    result = _charge(nmi, key="order-77")
    assert result.approved
    assert len(fake_nmi.transactions) == 1
    assert fake_nmi.transactions[result.external_id]["order_id"] == "order-77"


def test_a_sale_answered_with_a_5xx_is_looked_up_not_sent_again(nmi, fake_nmi):
    fake_nmi.fail_next(1, 503, path="/transact.php")
    with pytest.raises(GatewayError, match="unavailable") as raised:
        _charge(nmi)
    assert raised.value.retryable
    steps = [(r.path.rsplit("/", 1)[-1], r.form.get("type")) for r in fake_nmi.requests]
    assert steps == [("query.php", None), ("transact.php", "sale"), ("query.php", None)]
    assert fake_nmi.transactions == {}


def test_the_same_idempotency_key_twice_is_one_nmi_sale(nmi, fake_nmi):
    first, second = _charge(nmi, key="same"), _charge(nmi, key="same")
    assert first.external_id == second.external_id
    assert len(fake_nmi.transactions) == 1


def test_a_wrong_security_key_is_refused_and_not_retried(fake_nmi, sleeps):
    adapter = NmiAdapter("wrong", base_url=f"{fake_nmi.url}/api", sleep=sleeps)
    with pytest.raises(GatewayError, match="Authentication Failed") as raised:
        adapter.charge(1000, "USD", "tok", "PAY-1", "k")
    assert not raised.value.retryable
    with pytest.raises(GatewayError, match="Authentication Failed"):
        adapter.status("1")
    assert sleeps == []


def test_an_unknown_transaction_is_reported_as_not_found(nmi):
    with pytest.raises(GatewayError, match="no transaction 999") as raised:
        nmi.status("999")
    assert raised.value.code == "not_found"


def test_list_failed_pages_through_failed_sales_since_a_time(nmi, fake_nmi):
    nmi.page_size = 20
    fake_nmi.now = lambda: datetime(2025, 4, 19, 9, 0, tzinfo=UTC).timestamp()
    _charge(nmi, amount=10, key="old")
    fake_nmi.now = lambda: datetime(2025, 4, 20, 15, 0, tzinfo=UTC).timestamp()
    declined = [_charge(nmi, amount=10 + n, key=f"k{n}").external_id for n in range(45)]
    _charge(nmi, key="fine")
    events = nmi.list_failed(datetime(2025, 4, 20, 14, 0, tzinfo=UTC))
    assert sorted(e.external_id for e in events) == sorted(declined)
    assert {(e.status, e.decline_code) for e in events} == {("Failed", "200")}
    assert events[0].occurred_at == datetime(2025, 4, 20, 15, 0, tzinfo=UTC)
    pages = [r.form.get("page_number") for r in fake_nmi.requests if r.form.get("condition")]
    assert pages == ["0", "1", "2"]


def test_query_xml_with_a_doctype_is_refused_before_parsing():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;">]><nm_response>&lol2;</nm_response>'
    )
    with pytest.raises(GatewayError, match="DOCTYPE"):
        parse_query_response(bomb)
