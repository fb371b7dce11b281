"""poll(): the server's round of status questions for payments still waiting on a gateway."""

from sync.gateways.poll import poll
from sync.gateways.status import advance


def test_poll_reports_each_payments_current_state(stripe, fake_stripe):
    settled = stripe.charge(1000, "USD", "pm_card_visa", "PAY-1", "k1").external_id
    pending = stripe.charge(2000, "USD", "pm_card_visa", "PAY-2", "k2").external_id
    fake_stripe.settle(settled)
    result = poll(stripe, [settled, pending])
    states = {e.external_id: advance("Pending", "N/A", e) for e in result.events}
    assert states == {settled: ("Posted", "Settled"), pending: ("Posted", "In Progress")}
    assert result.errors == {} and not result.gateway_down


def test_an_unknown_payment_is_skipped_and_the_rest_still_polled(nmi):
    charged = nmi.charge(1000, "USD", "tok", "PAY-1", "k1").external_id
    result = poll(nmi, ["404404", charged])
    assert [e.external_id for e in result.events] == [charged]
    assert result.errors == {"404404": "NMI has no transaction 404404."}


def test_an_unavailable_gateway_ends_the_round(stripe, fake_stripe):
    first = stripe.charge(1000, "USD", "pm_card_visa", "PAY-1", "k1").external_id
    second = stripe.charge(1000, "USD", "pm_card_visa", "PAY-2", "k2").external_id
    fake_stripe.fail_next(4, 503)
    result = poll(stripe, [first, second])
    assert result.gateway_down and result.events == []
    assert list(result.errors) == [first]
