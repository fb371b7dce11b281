"""`tilldesk server run`'s own app (cli.wiring.server_app.build_app): the link secret, the
Stripe key and the webhook secret come from the keyring, Stripe's address from the environment."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import requests
import uvicorn

from app.services.payment_links import PaymentLinks
from app.services.recovery_database import open_recovery_database
from cli.wiring.server_app import build_app
from cli.wiring.server_options import ServerOptions
from cli.wiring.server_payment_links import STRIPE_API_VARIABLE
from tests.payment_links.fake_checkout import FakeStripeCheckout
from tests.payment_links.seed import LINK_SECRET, case_row, seed_case
from tests.server.live import free_port
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
    recovery_db = f"sqlite:///{tmp_path / 'recovery.db'}"
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    app = build_app(ServerOptions(server_db_url, recovery_db=recovery_db, public_url=public))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    recovery = open_recovery_database(recovery_db)
    try:
        while not server.started:
            assert thread.is_alive()
            time.sleep(0.02)
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
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()
        recovery.dispose()
