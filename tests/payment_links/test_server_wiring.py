"""`tilldesk server run`'s own app (cli.wiring.server_app.build_app): the link secret, the
Stripe key and the webhook secret come from the keyring, Stripe's address from the environment."""

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import requests

from app.services.payment_links import PaymentLinks
from cli.wiring.server_payment_links import STRIPE_API_VARIABLE
from tests.payment_links.fake_checkout import FakeStripeCheckout
from tests.payment_links.seed import LINK_SECRET, case_row, seed_case
from tests.payment_links.server_app import served_app
from tests.support.keyring import MemoryKeyring

SERVICE = "tilldesk-server"


@pytest.fixture
def stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripeCheckout]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    with FakeStripeCheckout() as fake:
        backend.set_password(SERVICE, "payment-link-secret", LINK_SECRET.decode())
        backend.set_password(SERVICE, "stripe-secret-key", fake.secret_key)
        backend.set_password(SERVICE, "stripe-webhook-secret", fake.webhook_secret)
        monkeypatch.setenv(STRIPE_API_VARIABLE, fake.url)
        yield fake
    keyring.set_keyring(previous)


def test_the_servers_own_app_takes_a_payment_through_a_link(
    server_db_url: str, tmp_path: Path, stripe: FakeStripeCheckout
) -> None:
    with served_app(server_db_url, tmp_path) as served:
        app, public, recovery = served.app, served.public, served.recovery
        stripe.webhook_url = f"{public}/v1/webhooks/stripe-checkout"
        case_id = seed_case(recovery, "W1", amount_minor=7000)
        link = PaymentLinks(recovery, lambda: LINK_SECRET, app.state.clock).issue(case_id)
        browser = requests.Session()
        assert "$70.00" in browser.get(link.url(public)).text
        hosted = browser.post(f"{link.url(public)}/checkout", allow_redirects=False)
        assert hosted.status_code == 303 and hosted.headers["location"].startswith(stripe.url)
        done = browser.post(hosted.headers["location"])  # pays; follows back to our page
        assert done.url == f"{link.url(public)}/done"
        assert "We received your payment of $70.00" in done.text
        assert case_row(recovery, case_id)["status"] == "paid"
