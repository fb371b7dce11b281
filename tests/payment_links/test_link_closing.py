"""A payment link's checkout left open when its case stops being payable through links (paid at
a counter, stopped, disputed) is expired at Stripe by the closing round and the link is closed:
the consumer can no longer pay twice. Real server app and recovery data on PostgreSQL, the
Stripe Checkout fake on loopback."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import Engine, select, update

from app.db.recovery_tables import recovery_cases, recovery_events
from app.services.payment_link_closing import ClosingRound, close_unpayable_links
from app.services.payment_links import IssuedLink
from app.services.recovery_cases import change_status
from cli.wiring.server_payment_links import expire_checkout
from sync.gateways.adapters.stripe_checkout import StripeCheckout
from tests.payment_links.browser import Stack, payment_stack
from tests.payment_links.closing import link_status, paid_at_counter, session_of
from tests.payment_links.seed import events, seed_case

CLOSED_PAGE = "This payment link is closed: nothing more is due through it."


@pytest.fixture
def stack(server_db_url: str, pg_url: str) -> Iterator[Stack]:
    with payment_stack(server_db_url, pg_url) as stack:
        yield stack


def closing_round(stack: Stack, now: datetime | None = None) -> ClosingRound:
    """One round as the server runs it, with Stripe's expiry through the real adapter."""
    gateway = StripeCheckout(stack.stripe.secret_key, base_url=stack.stripe.url, attempts=1)
    expire = expire_checkout(lambda: gateway)
    return close_unpayable_links(stack.recovery, expire, now or datetime.now(UTC))


def open_checkout(stack: Stack, case_id: str) -> tuple[IssuedLink, str]:
    """The consumer opened the link and went on to Stripe's page: (link, hosted page URL)."""
    link = stack.links.issue(case_id)
    answer = requests.post(f"{link.url(stack.server.url)}/checkout", allow_redirects=False)
    assert answer.status_code == 303
    return link, answer.headers["location"]


def stopped(recovery: Engine, case_id: str, amount_minor: int) -> None:
    change_status(recovery, case_id, "stop", "the consumer moved away", datetime.now(UTC))


def disputed(recovery: Engine, case_id: str, amount_minor: int) -> None:
    with recovery.begin() as connection:
        connection.execute(
            update(recovery_cases).where(recovery_cases.c.id == case_id).values(status="disputed")
        )


def case_status(recovery: Engine, case_id: str) -> str:
    with recovery.connect() as connection:
        query = select(recovery_cases.c.status).where(recovery_cases.c.id == case_id)
        return str(connection.execute(query).scalar_one())


Change = Callable[[Engine, str, int], None]


@pytest.mark.parametrize("change", [paid_at_counter, stopped, disputed])
def test_a_checkout_left_open_is_expired_at_stripe_and_the_link_closed(
    stack: Stack, change: Change
) -> None:
    case_id = seed_case(stack.recovery, "C1", amount_minor=14550)
    link, hosted = open_checkout(stack, case_id)
    change(stack.recovery, case_id, 14550)

    done = closing_round(stack)

    assert done.closed == [link.nonce] and done.left_open == []
    assert stack.stripe.expired == [session_of(hosted)]
    assert link_status(stack.recovery, link.nonce) == "closed"
    # The consumer back on Stripe's page cannot pay; our page says nothing is due through it.
    assert requests.post(hosted, allow_redirects=False).status_code == 400
    page = requests.get(link.url(stack.server.url))
    assert page.status_code == 410 and CLOSED_PAGE in page.text
    again = requests.post(f"{link.url(stack.server.url)}/checkout", allow_redirects=False)
    assert again.status_code == 410 and len(stack.stripe.sessions) == 1
    assert "paid" not in [kind for kind, _ in events(stack.recovery, case_id)]
    assert ("link_closed", 0) in events(stack.recovery, case_id)


def test_a_second_round_asks_stripe_nothing_and_writes_nothing(stack: Stack) -> None:
    case_id = seed_case(stack.recovery, "C2")
    link, _ = open_checkout(stack, case_id)
    paid_at_counter(stack.recovery, case_id, 14550)
    assert closing_round(stack).closed == [link.nonce]
    asked, timeline = len(stack.stripe.requests), events(stack.recovery, case_id)

    assert closing_round(stack) == ClosingRound()
    assert len(stack.stripe.requests) == asked and events(stack.recovery, case_id) == timeline


def test_a_link_whose_case_is_still_payable_keeps_its_checkout(stack: Stack) -> None:
    case_id = seed_case(stack.recovery, "C3")
    link, hosted = open_checkout(stack, case_id)

    assert closing_round(stack) == ClosingRound()
    assert stack.stripe.expired == [] and link_status(stack.recovery, link.nonce) == "checkout"
    assert requests.post(hosted, allow_redirects=False).status_code == 303  # paid
    assert case_status(stack.recovery, case_id) == "paid"


@pytest.mark.parametrize("status", [503, 400])  # Stripe down; a refusal for another reason
def test_a_session_stripe_did_not_expire_is_left_for_the_next_round(
    stack: Stack, status: int
) -> None:
    case_id = seed_case(stack.recovery, "C4")
    link, hosted = open_checkout(stack, case_id)
    paid_at_counter(stack.recovery, case_id, 14550)
    stack.stripe.fail_next(1, status, "/expire")

    done = closing_round(stack)

    assert done.closed == [] and done.left_open == [link.nonce]
    assert link_status(stack.recovery, link.nonce) == "checkout"  # may still be open: kept
    assert stack.stripe.sessions[session_of(hosted)]["status"] == "open"
    assert "link_closed" not in [kind for kind, _ in events(stack.recovery, case_id)]

    assert closing_round(stack).closed == [link.nonce]  # the gateway is back
    assert stack.stripe.expired == [session_of(hosted)]


def test_a_payment_made_before_the_session_could_be_expired_is_kept_as_money_to_return(
    stack: Stack,
) -> None:
    case_id = seed_case(stack.recovery, "C5")
    link, hosted = open_checkout(stack, case_id)
    paid_at_counter(stack.recovery, case_id, 14550)
    stack.stripe.hold_webhooks()  # Stripe's webhook comes after the round
    assert requests.post(hosted, allow_redirects=False).status_code == 303

    assert closing_round(stack).closed == [link.nonce]  # complete at Stripe: nothing open
    assert stack.stripe.expired == [] and link_status(stack.recovery, link.nonce) == "closed"
    assert stack.stripe.release_webhooks() == [200]

    assert link_status(stack.recovery, link.nonce) == "paid"
    assert case_status(stack.recovery, case_id) == "at_counter"
    with stack.recovery.connect() as connection:
        query = select(recovery_events.c.amount_minor, recovery_events.c.detail).where(
            recovery_events.c.case_id == case_id, recovery_events.c.type == "paid"
        )
        [paid] = connection.execute(query).all()
    assert paid.amount_minor == 14550
    assert paid.detail["reason"] == "paid through a payment link while the case was at_counter"


def test_a_session_past_its_life_is_closed_without_asking_stripe(stack: Stack) -> None:
    case_id = seed_case(stack.recovery, "C6")
    link, _ = open_checkout(stack, case_id)
    stopped(stack.recovery, case_id, 14550)

    done = closing_round(stack, now=datetime.now(UTC) + timedelta(hours=24))

    assert done.closed == [link.nonce] and stack.stripe.expired == []
    assert not [r for r in stack.stripe.requests if r.path.endswith("/expire")]


def test_a_link_whose_case_now_owes_less_is_closed_though_the_case_stays_open(
    stack: Stack,
) -> None:
    """Part of it recovered since (here by a retry): the link's page refuses the old amount,
    and its session, which would still take it, is expired too."""
    case_id = seed_case(stack.recovery, "C9", amount_minor=14550)
    link, hosted = open_checkout(stack, case_id)
    with stack.recovery.begin() as connection:
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == case_id)
            .values(recovered_minor=5000)
        )

    done = closing_round(stack)

    assert done.closed == [link.nonce] and stack.stripe.expired == [session_of(hosted)]
    assert case_status(stack.recovery, case_id) == "open"
    assert requests.post(hosted, allow_redirects=False).status_code == 400  # cannot pay 145.50
    assert ("link_closed", 0) in events(stack.recovery, case_id)
