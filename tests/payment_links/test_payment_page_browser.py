"""The payment page in Chromium at 390x844 against the real server and the Stripe fake:
the link opens, pays through the fake's hosted page, the case is recovered, and the link
cannot be used twice; expired or tampered links are refused and change nothing."""

import os
import re
from datetime import timedelta
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from app.services.payment_links import PaymentLinks
from sync.gateways.testing import sign_stripe
from tests.payment_links.browser import PHONE, WEBHOOK_SECRET, chromium, payment_stack
from tests.payment_links.seed import LINK_SECRET, case_row, events, seed_case


def screenshot(page: Page, tmp_path: Path, name: str) -> None:
    # PAYMENT_LINK_SHOTS keeps the pictures for a person to look at after the run.
    folder = Path(os.environ.get("PAYMENT_LINK_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def assert_fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width} px)"


def test_a_consumer_pays_through_the_link_once_at_phone_size(
    server_db_url: str, pg_url: str, tmp_path: Path
) -> None:
    with payment_stack(server_db_url, pg_url) as stack, chromium() as browser:
        case_id = seed_case(stack.recovery, "PAY1", amount_minor=14550, code="insufficient_funds")
        link = stack.links.issue(case_id)
        address = link.url(stack.server.url)
        page = browser.new_page(viewport=PHONE)

        opened = page.goto(address)
        assert opened is not None and opened.status == 200
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hello Asha")
        expect(page.locator("#amount")).to_have_text("$145.50")
        expect(page.get_by_text("Due by December 20, 2026")).to_be_visible()
        pay = page.get_by_role("button", name="Pay $145.50")
        expect(pay).to_be_visible()
        expect(page.get_by_role("button", name="Ask for a payment plan")).to_be_visible()
        box = pay.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]  # no scrolling
        assert_fits_the_phone(page)
        screenshot(page, tmp_path, "pay-390x844")

        pay.click()
        page.wait_for_url(re.compile(re.escape(stack.stripe.url) + "/c/pay/cs_test_.*"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Pay 145.50 USD")
        page.get_by_role("button", name="Pay").click()

        page.wait_for_url(f"{address}/done")
        expect(page.get_by_role("status")).to_have_text(
            "We received your payment of $145.50. A receipt is on its way."
        )
        assert_fits_the_phone(page)
        screenshot(page, tmp_path, "done-390x844")
        assert stack.stripe.webhook_answers == [200]
        case = case_row(stack.recovery, case_id)
        assert (case["status"], case["recovered_minor"]) == ("paid", 14550)
        assert events(stack.recovery, case_id) == [("clicked", 0), ("paid", 14550)]

        again = page.goto(address)
        assert again is not None and again.status == 410
        expect(page.get_by_role("heading", level=1)).to_have_text("This link has already been used")
        screenshot(page, tmp_path, "used-390x844")
        second = page.request.post(f"{address}/checkout", max_redirects=0)
        assert second.status == 410
        assert len(stack.stripe.sessions) == 1  # no second checkout was ever started
        assert events(stack.recovery, case_id) == [("clicked", 0), ("paid", 14550)]


def test_expired_and_tampered_links_are_refused_and_change_nothing(
    server_db_url: str, pg_url: str, tmp_path: Path
) -> None:
    with payment_stack(server_db_url, pg_url) as stack, chromium() as browser:
        case_id = seed_case(stack.recovery, "PAY2")
        last_week = stack.links.clock() - timedelta(days=8)
        old = PaymentLinks(stack.recovery, lambda: LINK_SECRET, lambda: last_week).issue(case_id)
        fresh = stack.links.issue(case_id)
        body, signature = fresh.token.split(".")
        flipped = signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
        page = browser.new_page(viewport=PHONE)

        for token, code, title in [
            (old.token, 410, "This link has expired"),
            (f"{body}.{flipped}", 403, "This link is not valid"),
            ("not-a-link", 403, "This link is not valid"),
        ]:
            answer = page.goto(f"{stack.server.url}/pay/{token}")
            assert answer is not None and answer.status == code
            expect(page.get_by_role("heading", level=1)).to_have_text(title)
            assert "Traceback" not in page.content()
            assert_fits_the_phone(page)
            checkout = page.request.post(
                f"{stack.server.url}/pay/{token}/checkout", max_redirects=0
            )
            assert checkout.status == code
        screenshot(page, tmp_path, "refused-390x844")

        assert stack.stripe.sessions == {}
        assert events(stack.recovery, case_id) == []
        assert case_row(stack.recovery, case_id)["status"] == "open"


def test_a_checkout_webhook_with_a_bad_signature_gets_403_and_settles_nothing(
    server_db_url: str, pg_url: str
) -> None:
    with payment_stack(server_db_url, pg_url) as stack:
        case_id = seed_case(stack.recovery, "PAY3", amount_minor=2500)
        link = stack.links.issue(case_id)
        body = (
            '{"id":"evt_1","type":"checkout.session.completed","created":1,"data":{"object":'
            '{"id":"cs_x","payment_status":"paid","amount_total":2500,"currency":"usd",'
            f'"payment_intent":"pi_x","metadata":{{"case_id":"{case_id}","link":"{link.nonce}"}}}}}}}}'
        ).encode()
        url = f"{stack.server.url}/v1/webhooks/stripe-checkout"
        now = int(stack.links.clock().timestamp())
        forged = requests.post(
            url, data=body, headers={"Stripe-Signature": sign_stripe(body, "whsec_wrong", now)}
        )
        assert forged.status_code == 403
        assert case_row(stack.recovery, case_id)["status"] == "open"
        signed = {"Stripe-Signature": sign_stripe(body, WEBHOOK_SECRET, now)}
        assert requests.post(url, data=body, headers=signed).json()["settled"] is True
        assert requests.post(url, data=body, headers=signed).json()["settled"] is False
        assert events(stack.recovery, case_id) == [("paid", 2500)]


def test_an_indian_consumer_sees_rupees_upi_and_can_ask_for_a_plan(
    server_db_url: str, pg_url: str, tmp_path: Path
) -> None:
    with payment_stack(server_db_url, pg_url) as stack, chromium() as browser:
        case_id = seed_case(
            stack.recovery, "IN1", amount_minor=14550000, currency="INR", country="IN",
            language="hi", code="insufficient_funds", name="Venkatalakshmi Subramaniam",
        )  # fmt: skip
        page = browser.new_page(viewport=PHONE)
        page.goto(stack.links.issue(case_id).url(stack.server.url))
        expect(page.locator("#amount")).to_have_text("₹1,45,500.00")
        expect(page.get_by_text("Due by 20 December 2026")).to_be_visible()
        expect(page.get_by_text("pay by UPI from your bank app")).to_be_visible()
        assert_fits_the_phone(page)
        screenshot(page, tmp_path, "upi-390x844")

        page.get_by_role("button", name="Ask for a payment plan").click()
        expect(page.get_by_role("status")).to_have_text(
            "You asked for a payment plan. We will contact you soon."
        )
        expect(page.get_by_role("button", name="Ask for a payment plan")).to_have_count(0)
        screenshot(page, tmp_path, "plan-390x844")
        assert events(stack.recovery, case_id) == [("clicked", 0), ("plan_requested", 14550000)]
