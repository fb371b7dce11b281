"""A loopback Stripe: PaymentIntents, Refunds and cancel, with Stripe's error format."""

import itertools
import json
from typing import Any

from tests.gateways.fake_http import FakeGateway, Reply, Seen

# Stripe's documented test payment methods (https://docs.stripe.com/testing).
STRIPE_DECLINES = {
    "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "pm_card_chargeDeclinedExpiredCard": ("expired_card", None, "Your card has expired."),
}


class FakeStripe(FakeGateway):
    """PaymentIntents, Refunds and cancel, with Stripe's error format and idempotency keys."""

    def __init__(self, secret_key: str = "sk_test_tilldesk") -> None:
        super().__init__()
        self.secret_key = secret_key
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self._replies: dict[str, tuple[dict[str, str], Reply]] = {}
        self._ids = itertools.count(1)

    def settle(self, intent_id: str) -> None:
        """The charge's funds became available: Stripe's way of saying it settled."""
        self.intents[intent_id]["latest_charge"]["balance_transaction"]["status"] = "available"

    def add_intent(self, amount: int, status: str, *, created: float, **extra: Any) -> str:
        intent = self._intent(amount, "usd", status, created, {}, **extra)
        return intent["id"]

    def answer(self, seen: Seen) -> Reply:
        if seen.headers.get("Authorization") != f"Bearer {self.secret_key}":
            return _stripe_error(401, "invalid_request_error", "Invalid API Key provided.")
        if seen.method == "GET":
            return self._get(seen)
        key = seen.headers.get("Idempotency-Key")
        if not key:
            return _stripe_error(400, "invalid_request_error", "Tilldesk always sends a key.")
        if key in self._replies:
            form, reply = self._replies[key]
            if form != seen.form:
                return _stripe_error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters.",
                )
            return Reply(reply.status, reply.body, headers={"Idempotent-Replayed": "true"})
        reply = self._post(seen)
        if reply.status < 500:
            self._replies[key] = (seen.form, reply)
        return reply

    def _get(self, seen: Seen) -> Reply:
        parts = seen.path.strip("/").split("/")
        if parts == ["v1", "payment_intents"]:
            return self._list(seen.form)
        if parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            intent = self.intents.get(parts[2])
            if intent is None:
                return _stripe_error(404, "invalid_request_error", "No such payment_intent.")
            if seen.form.get("expand[]") == "latest_charge.balance_transaction":
                return _json(intent)
            return _json({**intent, "latest_charge": (intent["latest_charge"] or {}).get("id")})
        return _stripe_error(404, "invalid_request_error", f"Unrecognized URL {seen.path}")

    def _post(self, seen: Seen) -> Reply:
        parts, form = seen.path.strip("/").split("/"), seen.form
        if parts == ["v1", "payment_intents"]:
            return self._create(form)
        if parts == ["v1", "refunds"]:
            return self._refund(form)
        if parts[:2] == ["v1", "payment_intents"] and parts[3:] == ["cancel"]:
            return self._cancel(parts[2])
        return _stripe_error(404, "invalid_request_error", f"Unrecognized URL {seen.path}")

    def _create(self, form: dict[str, str]) -> Reply:
        for name in ("amount", "currency"):
            if name not in form:
                return _stripe_error(
                    400, "invalid_request_error", f"Missing required param: {name}.", name
                )
        metadata = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
        token = form.get("payment_method", "")
        decline = STRIPE_DECLINES.get(token)
        status = "requires_payment_method" if decline else "succeeded"
        intent = self._intent(int(form["amount"]), form["currency"], status, self.now(), metadata)
        if decline is None:
            return _json(intent)
        code, decline_code, message = decline
        error = {"code": code, "decline_code": decline_code, "message": message}
        error["payment_method"] = {"card": {"last4": "0002"}}
        intent["last_payment_error"] = {**error, "type": "card_error"}
        body = {"error": {**error, "type": "card_error", "payment_intent": intent}}
        return Reply(402, json.dumps(body).encode())

    def _intent(
        self, amount: int, currency: str, status: str, created: float, metadata: dict, **extra: Any
    ) -> dict[str, Any]:
        n = next(self._ids)
        charge = None
        if status == "succeeded":
            charge = {
                "id": f"ch_{n:024d}",
                "object": "charge",
                "amount": amount,
                "amount_refunded": 0,
                "payment_method_details": {"type": "card", "card": {"last4": "4242"}},
                "balance_transaction": {"id": f"txn_{n:024d}", "status": "pending"},
            }
        intent = {
            "id": f"pi_{n:024d}",
            "object": "payment_intent",
            "amount": amount,
            "currency": currency,
            "status": status,
            "created": int(created),
            "metadata": metadata,
            "latest_charge": charge,
            "last_payment_error": None,
            **extra,
        }
        self.intents[intent["id"]] = intent
        return intent

    def _cancel(self, intent_id: str) -> Reply:
        intent = self.intents.get(intent_id)
        if intent is None:
            return _stripe_error(404, "invalid_request_error", "No such payment_intent.")
        if intent["status"] in ("succeeded", "canceled"):
            return _stripe_error(
                400,
                "invalid_request_error",
                "You cannot cancel this PaymentIntent because it has a status of "
                f"{intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent["status"] = "canceled"
        return _json(intent)

    def _refund(self, form: dict[str, str]) -> Reply:
        intent = self.intents.get(form.get("payment_intent", ""))
        if intent is None or intent["latest_charge"] is None:
            return _stripe_error(400, "invalid_request_error", "No such payment_intent.")
        charge = intent["latest_charge"]
        left = charge["amount"] - charge["amount_refunded"]
        amount = int(form.get("amount", left))
        if amount > left:
            return _stripe_error(
                400,
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount ({left}).",
                code="amount_too_large",
            )
        charge["amount_refunded"] += amount
        refund = {
            "id": f"re_{next(self._ids):024d}",
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return _json(refund)

    def _list(self, form: dict[str, str]) -> Reply:
        since = int(form.get("created[gte]", 0))
        limit = min(int(form.get("limit", 10)), 100)
        newest_first = sorted(
            (i for i in self.intents.values() if i["created"] >= since),
            key=lambda i: (i["created"], i["id"]),
            reverse=True,
        )
        after = form.get("starting_after")
        if after:
            ids = [i["id"] for i in newest_first]
            newest_first = newest_first[ids.index(after) + 1 :]
        page = newest_first[:limit]
        body = {
            "object": "list",
            "url": "/v1/payment_intents",
            "data": page,
            "has_more": len(newest_first) > limit,
        }
        return _json(body)


def _json(body: dict[str, Any], status: int = 200) -> Reply:
    return Reply(status, json.dumps(body).encode())


def _stripe_error(
    status: int, kind: str, message: str, param: str | None = None, code: str | None = None
) -> Reply:
    error = {"type": kind, "message": message}
    if param:
        error |= {"param": param, "code": "parameter_missing"}
    if code:
        error["code"] = code
    return _json({"error": error}, status)
