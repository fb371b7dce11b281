"""The payment link routes over a real SQLite recovery database and the Stripe fake on
loopback (no PostgreSQL needed: the routes are mounted on a bare FastAPI app)."""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.db.recovery_tables_links import payment_links
from app.services.payment_links import PaymentLinks
from app.services.recovery_database import open_recovery_database
from cli.wiring import server_payment_links
from cli.wiring.server_options import ServerOptions
from sync.gateways.adapters.stripe_checkout import StripeCheckout
from sync.gateways.testing import sign_stripe
from tests.payment_links.fake_checkout import FakeStripeCheckout
from tests.payment_links.seed import LINK_SECRET, events, seed_case


@dataclass
class Site:
    client: TestClient
    stripe: FakeStripeCheckout
    recovery: Engine
    links: PaymentLinks


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path / 'recovery.db'}"
    recovery = open_recovery_database(url)
    with FakeStripeCheckout() as stripe:
        options = ServerOptions(db_url="unused", recovery_db=url, public_url="https://pay.example")
        app = FastAPI()
        for router in server_payment_links.routers(
            options,
            link_secret=lambda: LINK_SECRET,
            checkout_gateway=lambda: StripeCheckout(
                stripe.secret_key, base_url=stripe.url, attempts=1
            ),
            webhook_secret=lambda: stripe.webhook_secret,
        ):
            app.include_router(router)
        links = PaymentLinks(recovery, lambda: LINK_SECRET, options.clock)
        yield Site(TestClient(app, follow_redirects=False), stripe, recovery, links)
    recovery.dispose()


def link_status(engine: Engine, nonce: str) -> str:
    with engine.connect() as connection:
        query = select(payment_links.c.status).where(payment_links.c.nonce == nonce)
        return connection.execute(query).scalar_one()


def test_without_a_recovery_database_the_server_has_no_payment_routes() -> None:
    assert server_payment_links.routers(ServerOptions(db_url="unused")) == []


def test_an_indian_consumer_sees_rupees_and_the_upi_choice(site: Site) -> None:
    case_id = seed_case(
        site.recovery, "IN1", amount_minor=145000, currency="INR", country="IN",
        language="hi", code="do_not_honor", name="Ravi Kumar",
    )  # fmt: skip
    page = site.client.get(f"/pay/{site.links.issue(case_id).token}")
    assert page.status_code == 200
    assert "₹1,450.00" in page.text and "Hello Ravi," in page.text
    assert "pay by UPI" in page.text and "payment plan" not in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"  # the token must not reach Stripe
    assert page.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "http://" not in page.text and "https://" not in page.text  # nothing external


def test_an_expired_card_is_told_to_use_a_new_card(site: Site) -> None:
    case_id = seed_case(site.recovery, "EX1", code="expired_card")
    page = site.client.get(f"/pay/{site.links.issue(case_id).token}")
    assert "Your card on file has expired" in page.text


def test_checkout_redirects_to_the_stripe_session_with_urls_back_to_the_server(
    site: Site,
) -> None:
    link = site.links.issue(seed_case(site.recovery, "K1", amount_minor=9900))
    answer = site.client.post(f"/pay/{link.token}/checkout")
    assert answer.status_code == 303
    [session] = site.stripe.sessions.values()
    assert answer.headers["location"] == session["url"]
    assert session["amount_total"] == 9900 and session["currency"] == "usd"
    assert session["metadata"] == {"case_id": "K1", "link": link.nonce}
    assert session["success_url"] == f"https://pay.example/pay/{link.token}/done"
    assert session["cancel_url"] == f"https://pay.example/pay/{link.token}"
    assert link_status(site.recovery, link.nonce) == "checkout"


def test_a_gateway_that_is_down_gets_a_try_again_page_and_nothing_changes(site: Site) -> None:
    link = site.links.issue(seed_case(site.recovery, "K2"))
    site.stripe.fail_next(1, 503, "/v1/checkout/sessions")
    answer = site.client.post(f"/pay/{link.token}/checkout")
    assert answer.status_code == 502 and "Try again in a minute" in answer.text
    assert link_status(site.recovery, link.nonce) == "issued"
    assert site.client.post(f"/pay/{link.token}/checkout").status_code == 303


def test_asking_for_a_plan_is_recorded_for_the_recovery_executive(site: Site) -> None:
    case_id = seed_case(site.recovery, "P1", code="insufficient_funds")
    link = site.links.issue(case_id)
    answer = site.client.post(f"/pay/{link.token}/plan")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"https://pay.example/pay/{link.token}"
    page = site.client.get(f"/pay/{link.token}")
    assert "You asked for a payment plan" in page.text and 'id="plan"' not in page.text
    assert ("plan_requested", 14550) in events(site.recovery, case_id)


def test_a_missing_secret_shows_a_plain_error_page_without_a_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'recovery.db'}"

    def missing() -> bytes:
        raise RuntimeError("The payment-link-secret is not in the keyring")

    app = FastAPI()
    for router in server_payment_links.routers(
        ServerOptions(db_url="unused", recovery_db=url), link_secret=missing
    ):
        app.include_router(router)
    answer = TestClient(app).get("/pay/abc.def")
    assert answer.status_code == 500
    assert "Something went wrong on our side" in answer.text and "Traceback" not in answer.text


def test_the_thank_you_page_before_the_webhook_says_the_payment_is_being_confirmed(
    site: Site,
) -> None:
    link = site.links.issue(seed_case(site.recovery, "D1"))
    page = site.client.get(f"/pay/{link.token}/done")
    assert page.status_code == 200
    assert "Your payment of $145.50 is being confirmed" in page.text


@pytest.mark.parametrize(
    "kind, payment_status, metadata",
    [
        ("payment_intent.succeeded", "paid", True),  # another event type
        ("checkout.session.completed", "unpaid", True),  # a bank debit still on its way
        ("checkout.session.completed", "paid", False),  # a checkout that is not a link's
    ],
)
def test_other_stripe_events_are_acknowledged_and_settle_nothing(
    site: Site, kind: str, payment_status: str, metadata: bool
) -> None:
    case_id = seed_case(site.recovery, "E1")
    link = site.links.issue(case_id)
    session = {
        "id": "cs_1", "object": "checkout.session", "amount_total": 14550, "currency": "usd",
        "payment_status": payment_status, "payment_intent": "pi_1",
        "metadata": {"case_id": case_id, "link": link.nonce} if metadata else {},
    }  # fmt: skip
    event = {"id": "evt_1", "type": kind, "created": 1, "data": {"object": session}}
    body = json.dumps(event).encode()
    header = sign_stripe(body, site.stripe.webhook_secret, int(time.time()))
    answer = site.client.post(
        "/v1/webhooks/stripe-checkout", content=body, headers={"Stripe-Signature": header}
    )
    assert answer.status_code == 200 and answer.json() == {
        "received": True, "settled": False, "case_id": None,
    }  # fmt: skip
    assert events(site.recovery, case_id) == []
