"""The executive's plan offer on the payment link page in Chromium at 390x844, against the
server as `tilldesk server run` builds it: the consumer reads the schedule, is told what is
missing, accepts, and sees the plan's number; the link then shows the plan, not a payment."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

from tests.payment_links.browser import PHONE, chromium
from tests.payment_links.offer_site import FIRST_DUE, TODAY, Site, day, offered, serve_links
from tests.payment_links.test_payment_page_browser import assert_fits_the_phone, screenshot
from tests.recovery_feed.conftest import (  # noqa: F401
    feed_server,
    memory_keyring,
    recovery,
    recovery_url,
)
from tests.support.recovery_feed import FeedServer, open_case


@pytest.fixture
def site(feed_server: FeedServer, recovery: Engine, memory_keyring) -> Site:  # noqa: F811
    return serve_links(feed_server, recovery, memory_keyring)


def test_a_consumer_accepts_the_offered_plan_on_the_link_page_at_phone_size(
    site: Site, tmp_path: Path
) -> None:
    open_case(site.recovery, "B-1", 14_550)
    offered(site, "B-1")
    address = site.address(site.link("B-1"))
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        page.goto(address)

        offer = page.get_by_role("region", name="A payment plan offered to you")
        expect(offer).to_be_visible()
        rows = offer.get_by_role("table").get_by_role("row")
        expect(rows).to_have_count(5)  # the heading, the down payment, three installments
        expect(rows.nth(1)).to_contain_text(f"Down payment{day(TODAY)}, on accepting$20.00")
        expect(rows.nth(2)).to_contain_text(f"Installment 1{day(FIRST_DUE)}$41.83")
        expect(rows.nth(4)).to_contain_text("$41.84")
        expect(page.get_by_role("button", name="Ask for a payment plan")).to_have_count(0)
        assert_fits_the_phone(page)
        screenshot(page, tmp_path, "plan-offer-390x844")

        # The browser's own checks let nothing empty through; the server says the same.
        page.get_by_label("Your full name").fill("John Doe")
        page.get_by_role("button", name="Accept this plan").click()
        expect(page).to_have_url(address)  # not sent: the box is not ticked
        page.get_by_label("I agree to pay the amounts above on these dates.").check()
        page.get_by_role("button", name="Accept this plan").click()

        page.wait_for_url(f"{address}/plan-offer")
        number = f"PP-{TODAY.year}-0001"
        expect(page.get_by_role("status")).to_contain_text(f"Your payment plan {number} is set up")
        expect(page.get_by_role("row")).to_have_count(5)
        assert_fits_the_phone(page)
        screenshot(page, tmp_path, "plan-accepted-390x844")

        page.goto(address)  # the link again: the plan, nothing to pay
        expect(page.locator("#plan-number")).to_have_text(number)
        expect(page.get_by_role("button", name=re.compile("^Pay "))).to_have_count(0)
