"""Closing payment links in the server as `tilldesk server run` builds it: a plan accepted on the
link's page expires the link's open checkout at once, and the background round expires the one
of a case paid at a counter. Real PostgreSQL, real HTTP on loopback, the Stripe Checkout fake
(its key in the keyring, its address in $TILLDESK_STRIPE_API_URL)."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
import requests
from sqlalchemy import Engine

from app.services.payment_links import PaymentLinks
from cli.wiring.server_payment_links import CLOSE_INTERVAL_VARIABLE, STRIPE_API_VARIABLE
from sync.gateways.config import SERVICE, STRIPE_SECRET_KEY
from sync.server.keys import PAYMENT_LINK_SECRET, STRIPE_SECRET
from tests.payment_links.closing import link_status, paid_at_counter, session_of
from tests.payment_links.fake_checkout import FakeStripeCheckout
from tests.payment_links.offer_site import Site, offered, serve_links
from tests.payment_links.seed import LINK_SECRET, events, seed_case
from tests.payment_links.server_app import served_app
from tests.recovery_feed.conftest import (  # noqa: F401
    feed_server,
    memory_keyring,
    recovery,
    recovery_url,
)
from tests.support.keyring import MemoryKeyring
from tests.support.recovery_feed import FeedServer, open_case


@pytest.fixture
def stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripeCheckout]:
    fake = FakeStripeCheckout()
    with fake:
        monkeypatch.setenv(STRIPE_API_VARIABLE, fake.url)
        yield fake


@pytest.fixture
def site(
    feed_server: FeedServer,  # noqa: F811
    recovery: Engine,  # noqa: F811
    memory_keyring,  # noqa: F811
    stripe: FakeStripeCheckout,
) -> Site:
    memory_keyring.set_password(SERVICE, STRIPE_SECRET_KEY, stripe.secret_key)
    return serve_links(feed_server, recovery, memory_keyring)


def test_a_plan_accepted_on_the_link_page_expires_its_open_checkout_at_once(
    site: Site, stripe: FakeStripeCheckout
) -> None:
    open_case(site.recovery, "LC-1", 14_550)
    offer_id = offered(site, "LC-1")
    link = site.link("LC-1")
    # The consumer went to Stripe's page first, came back and accepted the plan instead.
    hosted = requests.post(f"{site.address(link)}/checkout", allow_redirects=False)
    assert hosted.status_code == 303

    assert site.accept(link, offer_id, "John Doe", agree=True).status_code == 303

    assert stripe.expired == [session_of(hosted.headers["location"])]
    assert link_status(site.recovery, link.nonce) == "closed"
    assert requests.post(hosted.headers["location"], allow_redirects=False).status_code == 400
    page = requests.get(site.address(link))  # the page still shows the plan they accepted
    assert page.status_code == 200 and f"PP-{datetime.now(UTC).year}-0001" in page.text
    assert "Pay $145.50" not in page.text


def test_a_plan_accepted_while_stripe_is_down_is_made_and_its_checkout_left_for_the_round(
    site: Site, stripe: FakeStripeCheckout
) -> None:
    open_case(site.recovery, "LC-2", 14_550)
    offer_id = offered(site, "LC-2")
    link = site.link("LC-2")
    hosted = requests.post(f"{site.address(link)}/checkout", allow_redirects=False)
    stripe.fail_next(8, 503, "/expire")  # every retry of the call

    answer = site.accept(link, offer_id, "John Doe", agree=True)

    assert answer.status_code == 303  # the plan is made: the consumer is told so
    assert site.written("LC-2")[3] == "plan"
    assert stripe.expired == [] and link_status(site.recovery, link.nonce) == "checkout"
    assert stripe.sessions[session_of(hosted.headers["location"])]["status"] == "open"


@pytest.fixture
def server_keyring(stripe: FakeStripeCheckout) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    backend.set_password(SERVICE, PAYMENT_LINK_SECRET, LINK_SECRET.decode())
    backend.set_password(SERVICE, STRIPE_SECRET_KEY, stripe.secret_key)
    backend.set_password(SERVICE, STRIPE_SECRET, stripe.webhook_secret)
    yield backend
    keyring.set_keyring(previous)


def test_the_servers_background_round_expires_the_checkout_of_a_case_paid_at_a_counter(
    server_db_url: str,
    tmp_path: Path,
    stripe: FakeStripeCheckout,
    server_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CLOSE_INTERVAL_VARIABLE, "0.2")
    monkeypatch.setenv("TILLDESK_RECOVERY_FEED_SECONDS", "0")  # not this test's rounds
    monkeypatch.setenv("TILLDESK_PLAN_SCAN_SECONDS", "0")
    with served_app(server_db_url, tmp_path) as served:
        app, public, stored = served.app, served.public, served.recovery
        case_id = seed_case(stored, "W1", amount_minor=7000)
        link = PaymentLinks(stored, lambda: LINK_SECRET, app.state.clock).issue(case_id)
        hosted = requests.post(f"{link.url(public)}/checkout", allow_redirects=False)
        assert hosted.status_code == 303

        paid_at_counter(stored, case_id, 7000)

        deadline = time.monotonic() + 15
        while link_status(stored, link.nonce) != "closed" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert link_status(stored, link.nonce) == "closed"
        assert stripe.expired == [session_of(hosted.headers["location"])]
        assert ("link_closed", 0) in events(stored, case_id)
