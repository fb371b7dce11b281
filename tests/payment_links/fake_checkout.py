"""The loopback Stripe with a minimal hosted Checkout: sessions, a page with a Pay button, the
signed `checkout.session.completed` webhook Stripe would send when it is paid, and expiring a
session (only an open one, as Stripe does; `expired` lists the sessions it expired)."""

import html
import json
from typing import Any

import requests

from sync.gateways.testing import sign_stripe
from tests.gateways.fake_http import Reply, Seen
from tests.gateways.fake_stripe import FakeStripe, _json, _stripe_error

PAGE = "/c/pay/"  # where the fake's hosted payment pages live (Stripe's is checkout.stripe.com)
REQUIRED = (
    "mode",
    "success_url",
    "cancel_url",
    "line_items[0][quantity]",
    "line_items[0][price_data][currency]",
    "line_items[0][price_data][unit_amount]",
)


class FakeStripeCheckout(FakeStripe):
    """Also answers POST /v1/checkout/sessions and serves each session's payment page."""

    def __init__(self, webhook_url: str = "", webhook_secret: str = "whsec_links") -> None:
        super().__init__()
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.sessions: dict[str, dict[str, Any]] = {}
        self.webhook_answers: list[int] = []
        self.expired: list[str] = []  # the sessions expired through the API, in order
        self.held: list[dict[str, Any]] | None = None  # paid sessions whose webhook waits

    def answer(self, seen: Seen) -> Reply:
        if seen.path.startswith(PAGE):  # the customer's browser: no API key
            session = self.sessions.get(seen.path.removeprefix(PAGE))
            if session is None:
                return Reply(404, b"No such checkout session", "text/plain")
            if seen.method == "GET":
                return self._page(session)
            return self._pay(session)
        if seen.method == "POST" and seen.path == "/v1/checkout/sessions":
            for name in REQUIRED:  # checked before the idempotency cache, as Stripe does
                if name not in seen.form:
                    return _stripe_error(
                        400, "invalid_request_error", f"Missing required param: {name}.", name
                    )
        return super().answer(seen)

    def _post(self, seen: Seen) -> Reply:
        if seen.path == "/v1/checkout/sessions":
            return self._create_session(seen.form)
        parts = seen.path.strip("/").split("/")
        if parts[:3] == ["v1", "checkout", "sessions"] and parts[4:] == ["expire"]:
            return self._expire(parts[3])
        return super()._post(seen)

    def _get(self, seen: Seen) -> Reply:
        parts = seen.path.strip("/").split("/")
        if parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            session = self._session(parts[3])
            if session is None:
                return _no_such_session(parts[3])
            return _json(_public(session))
        return super()._get(seen)

    def _expire(self, session_id: str) -> Reply:
        session = self._session(session_id)
        if session is None:
            return _no_such_session(session_id)
        if session["status"] != "open":
            return _stripe_error(
                400,
                "invalid_request_error",
                f"Only Checkout Sessions with a status in [open] can be expired; this one is "
                f"{session['status']}.",
            )
        session["status"] = "expired"
        self.expired.append(session_id)
        return _json(_public(session))

    def _session(self, session_id: str) -> dict[str, Any] | None:
        """The session as it is now: an open one past its expires_at has expired."""
        session = self.sessions.get(session_id)
        if session is None:
            return None
        if session["status"] == "open" and self.now() >= session["expires_at"]:
            session["status"] = "expired"
        return session

    def _create_session(self, form: dict[str, str]) -> Reply:
        if form["mode"] != "payment":
            return _stripe_error(400, "invalid_request_error", "Only payment mode is faked.")
        n = next(self._ids)
        session_id = f"cs_test_{n:024d}"
        amount = int(form["line_items[0][price_data][unit_amount]"]) * int(
            form["line_items[0][quantity]"]
        )
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "amount_total": amount,
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "expires_at": int(form.get("expires_at") or self.now() + 86400),
            "metadata": _nested(form, "metadata"),
            "intent_metadata": _nested(form, "payment_intent_data[metadata]"),
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
            "url": f"{self.url}{PAGE}{session_id}",
        }
        self.sessions[session_id] = session
        return _json(_public(session))

    def _page(self, session: dict[str, Any]) -> Reply:
        amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
        body = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Fake Stripe Checkout</title></head><body>"
            f'<h1>Pay {html.escape(amount)}</h1><p id="status">{session["status"]}</p>'
            f'<form method="post" action="{PAGE}{session["id"]}">'
            '<button id="submit" type="submit">Pay</button></form></body></html>'
        )
        return Reply(200, body.encode(), "text/html; charset=utf-8")

    def _pay(self, session: dict[str, Any]) -> Reply:
        if session["status"] != "open":
            return Reply(400, b"This checkout session is no longer open", "text/plain")
        if self.now() >= session["expires_at"]:
            session["status"] = "expired"
            return Reply(410, b"This checkout session has expired", "text/plain")
        intent = self._intent(
            session["amount_total"],
            session["currency"],
            "succeeded",
            self.now(),
            session["intent_metadata"],
        )
        session |= {"status": "complete", "payment_status": "paid", "payment_intent": intent["id"]}
        if self.held is not None:
            self.held.append(session)
        else:
            self.send_event("checkout.session.completed", session)
        location = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
        return Reply(303, b"", "text/plain", headers={"Location": location})

    def hold_webhooks(self) -> None:
        """Payments go through, their webhooks wait for `release_webhooks`: a slow Stripe."""
        self.held = []

    def release_webhooks(self) -> list[int]:
        held, self.held = self.held or [], None
        return [self.send_event("checkout.session.completed", session) for session in held]

    def send_event(self, kind: str, session: dict[str, Any]) -> int:
        """Sign and POST an event about `session` to the webhook URL, as Stripe would."""
        n = next(self._ids)
        event = {
            "id": f"evt_{n:024d}",
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(self.now()),
            "type": kind,
            "data": {"object": _public(session)},
        }
        body = json.dumps(event).encode()
        header = sign_stripe(body, self.webhook_secret, int(self.now()))
        answer = requests.post(
            self.webhook_url,
            data=body,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
            timeout=30,
        )
        self.webhook_answers.append(answer.status_code)
        return answer.status_code


def _no_such_session(session_id: str) -> Reply:
    return _stripe_error(
        404, "invalid_request_error", f"No such checkout.session: '{session_id}'",
        code="resource_missing",
    )  # fmt: skip


def _nested(form: dict[str, str], prefix: str) -> dict[str, str]:
    start = f"{prefix}["
    return {k[len(start) : -1]: v for k, v in form.items() if k.startswith(start)}


def _public(session: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in session.items() if k != "intent_metadata"}
