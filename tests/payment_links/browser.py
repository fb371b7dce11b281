"""The central server with the payment link routes and the Stripe Checkout fake on loopback,
and Chromium (Debian's, driven by Playwright) at phone size."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine

from app.services.payment_links import PaymentLinks
from app.services.recovery_database import open_recovery_database
from cli.wiring import server_payment_links
from cli.wiring.server_options import ServerOptions
from sync.gateways.adapters.stripe_checkout import StripeCheckout
from tests.payment_links.fake_checkout import FakeStripeCheckout
from tests.payment_links.seed import LINK_SECRET
from tests.server.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
WEBHOOK_SECRET = "whsec_payment_links_test"


@dataclass
class Stack:
    server: LiveServer
    stripe: FakeStripeCheckout
    recovery: Engine
    links: PaymentLinks


@contextmanager
def payment_stack(server_db: str, recovery_db: str) -> Iterator[Stack]:
    """The real server app (create_app + this area's routers) and the fake Stripe, wired."""
    recovery = open_recovery_database(recovery_db)
    with FakeStripeCheckout(webhook_secret=WEBHOOK_SECRET) as stripe:
        options = ServerOptions(db_url=server_db, recovery_db=recovery_db)
        routers = server_payment_links.routers(
            options,
            link_secret=lambda: LINK_SECRET,
            checkout_gateway=lambda: StripeCheckout(
                stripe.secret_key, base_url=stripe.url, attempts=1
            ),
            webhook_secret=lambda: WEBHOOK_SECRET,
        )
        server = LiveServer(server_db, routers=routers).start()
        stripe.webhook_url = f"{server.url}/v1/webhooks/stripe-checkout"
        try:
            yield Stack(server, stripe, recovery, PaymentLinks(recovery, lambda: LINK_SECRET,
                                                               options.clock))  # fmt: skip
        finally:
            server.stop()
            recovery.dispose()


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
