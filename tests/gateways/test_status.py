"""Status mapping and advance(): online payments only move forward, whatever the order."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.gateways.events import GatewayEvent
from sync.gateways.status import (
    NMI_CONDITIONS,
    NMI_EVENTS,
    STRIPE_EVENTS,
    STRIPE_INTENT_STATUSES,
    advance,
)
from tests.support.gateways import NOW


def _event(status: str, settlement: str, raw: str = "") -> GatewayEvent:
    return GatewayEvent(
        gateway="stripe",
        event_id=raw or f"{status}/{settlement}",
        external_id="pi_1",
        status=status,
        settlement=settlement,
        amount_minor=14550,
        currency="USD",
        account_number="WU-10001",
        occurred_at=NOW,
        raw_status=raw,
    )


def _from(table, raw: str) -> GatewayEvent:
    row = table[raw]
    return _event(row.status, row.settlement, raw)


def test_the_spec_sample_rows_map_as_the_spec_says():
    succeeded, failed = (
        STRIPE_INTENT_STATUSES["succeeded"],
        STRIPE_EVENTS["payment_intent.payment_failed"],
    )
    assert (succeeded.webhook_status, succeeded.status, succeeded.settlement) == (
        "In Settlement",
        "Posted",
        "In Progress",
    )
    assert (failed.webhook_status, failed.status, failed.settlement) == ("Failed", "Failed", "N/A")


def test_a_late_processing_event_does_not_undo_a_success():
    state = advance("Pending", "N/A", _from(STRIPE_EVENTS, "payment_intent.succeeded"))
    state = advance(*state, _from(STRIPE_EVENTS, "payment_intent.processing"))
    assert state == ("Posted", "In Progress")


def test_a_settled_payment_stays_settled_when_an_old_in_progress_event_arrives():
    state = advance("Posted", "Settled", _from(NMI_EVENTS, "transaction.sale.success"))
    assert state == ("Posted", "Settled")


def test_a_retry_that_succeeds_after_a_failed_attempt_posts_the_payment():
    state = advance("Pending", "N/A", _from(STRIPE_EVENTS, "payment_intent.payment_failed"))
    assert state == ("Failed", "N/A")
    assert advance(*state, _from(STRIPE_EVENTS, "payment_intent.succeeded")) == (
        "Posted",
        "In Progress",
    )


def test_a_voided_sale_stays_cancelled():
    state = advance("Posted", "In Progress", _from(NMI_EVENTS, "transaction.void.success"))
    assert advance(*state, _from(NMI_EVENTS, "transaction.sale.success"))[0] == "Cancelled"


def test_an_unknown_stored_status_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="Unknown status 'Refunded'"):
        advance("Refunded", "N/A", _event("Posted", "In Progress"))


def test_every_mapping_row_uses_only_our_statuses():
    for table in (STRIPE_EVENTS, STRIPE_INTENT_STATUSES, NMI_EVENTS, NMI_CONDITIONS):
        for row in table.values():
            assert row.status in {"Posted", "Pending", "Failed", "Cancelled"}
            assert row.settlement in {"In Progress", "Settled", "N/A"}


# Real lifecycles, each in causal order, as the gateways emit them.
LIFECYCLES = [
    [
        (STRIPE_EVENTS, t)
        for t in (
            "payment_intent.created",
            "payment_intent.processing",
            "charge.succeeded",
            "payment_intent.succeeded",
        )
    ]
    + [(NMI_CONDITIONS, "complete")],
    [
        (STRIPE_EVENTS, t)
        for t in (
            "payment_intent.created",
            "charge.failed",
            "payment_intent.payment_failed",
            "payment_intent.succeeded",
            "charge.refunded",
        )
    ],
    [
        (STRIPE_EVENTS, t)
        for t in (
            "payment_intent.created",
            "payment_intent.payment_failed",
            "payment_intent.canceled",
        )
    ],
    [
        (NMI_EVENTS, "transaction.sale.unknown"),
        (NMI_EVENTS, "transaction.sale.success"),
        (NMI_CONDITIONS, "pendingsettlement"),
        (NMI_CONDITIONS, "complete"),
    ],
    [
        (NMI_EVENTS, "transaction.auth.success"),
        (NMI_EVENTS, "transaction.capture.success"),
        (NMI_EVENTS, "transaction.void.success"),
    ],
]


def _apply(events: list[GatewayEvent], start=("Pending", "N/A")) -> list[tuple[str, str]]:
    states, state = [], start
    for event in events:
        state = advance(*state, event)
        states.append(state)
    return states


@given(
    lifecycle=st.sampled_from(LIFECYCLES),
    data=st.data(),
)
def test_any_order_of_a_payments_events_never_goes_back_and_ends_where_causal_order_ends(
    lifecycle, data
):
    causal = [_from(table, raw) for table, raw in lifecycle]
    # Gateways duplicate and reorder deliveries: a permutation with repeats.
    delivered = data.draw(st.permutations(causal + data.draw(st.lists(st.sampled_from(causal)))))
    states = _apply(delivered)
    for before, after in zip([("Pending", "N/A"), *states], states, strict=False):
        assert all(a >= b for a, b in zip(_rank(after), _rank(before), strict=True))
    assert states[-1] == _apply(causal)[-1]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Pending", "Failed", "Posted", "Cancelled"]),
            st.sampled_from(["N/A", "In Progress", "Settled"]),
        ),
        min_size=1,
    )
)
def test_arbitrary_reports_in_any_order_end_in_the_same_state(reports):
    events = [_event(s, t) for s, t in reports]
    assert _apply(events)[-1] == _apply(list(reversed(events)))[-1]
    assert _apply(events)[-1] == _apply(sorted(events, key=lambda e: (e.settlement, e.status)))[-1]


def _rank(state: tuple[str, str]) -> tuple[int, int]:
    status_order = ["Pending", "Failed", "Posted", "Cancelled"]
    settlement_order = ["N/A", "In Progress", "Settled"]
    return status_order.index(state[0]), settlement_order.index(state[1])
