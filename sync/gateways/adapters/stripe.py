"""Stripe over its REST API (PaymentIntents, Refunds) with requests: form-encoded bodies,
Bearer secret key, an Idempotency-Key on every POST so a retried charge is never a second one.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

import requests

from sync.gateways.adapters.base import ChargeResult, RefundResult, poll_event_id
from sync.gateways.adapters.http import HttpClient, raise_for_retryable
from sync.gateways.errors import GatewayError
from sync.gateways.events import GatewayEvent
from sync.gateways.status import (
    STRIPE_FAILED_ATTEMPT,
    STRIPE_INTENT_STATUSES,
    STRIPE_SETTLED,
    Mapping,
)

STRIPE_API = "https://api.stripe.com"
PAGE = 100


class StripeAdapter:
    name = "stripe"

    def __init__(self, secret_key: str, *, base_url: str = STRIPE_API, **http: Any) -> None:
        self.http = HttpClient(base_url, headers={"Authorization": f"Bearer {secret_key}"}, **http)

    def charge(
        self,
        amount_minor: int,
        currency: str,
        token: str,
        reference: str,
        idempotency_key: str,
        *,
        account_number: str | None = None,
    ) -> ChargeResult:
        form = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "payment_method": token,
            "payment_method_types[]": "card",
            "confirm": "true",
            "description": reference,
            "metadata[reference]": reference,
        }
        if account_number:
            form["metadata[account_number]"] = account_number
        response = self._post("/v1/payment_intents", form, idempotency_key)
        error = _error(response)
        if error.get("type") == "card_error" and error.get("payment_intent"):
            return _declined(error)
        return _charge_result(self._json(response))

    def refund(
        self,
        external_id: str,
        amount_minor: int | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> RefundResult:
        """Refund all that is left, or `amount_minor`. Two refunds of the same amount are two
        refunds, so the key is per call unless the caller passes one it will repeat."""
        form: dict[str, Any] = {"payment_intent": external_id}
        if amount_minor is not None:
            form["amount"] = amount_minor
        key = idempotency_key or f"refund:{uuid.uuid4()}"
        refund = self._json(self._post("/v1/refunds", form, key))
        return RefundResult(
            refund_id=refund["id"],
            external_id=refund.get("payment_intent") or external_id,
            amount_minor=int(refund["amount"]),
            currency=str(refund["currency"]).upper(),
            succeeded=refund.get("status") == "succeeded",
            message=str(refund.get("status", "")),
        )

    def void(self, external_id: str) -> ChargeResult:
        path = f"/v1/payment_intents/{external_id}/cancel"
        return _charge_result(self._json(self._post(path, {}, f"void:{external_id}")))

    def status(self, external_id: str) -> GatewayEvent:
        response = self.http.request(
            "GET",
            f"/v1/payment_intents/{external_id}",
            params={"expand[]": "latest_charge.balance_transaction"},
        )
        return intent_event(self._json(response))

    def list_failed(self, since: datetime) -> list[GatewayEvent]:
        """PaymentIntents created since `since` whose last attempt failed, oldest first."""
        failed: list[GatewayEvent] = []
        params: dict[str, Any] = {"created[gte]": int(since.timestamp()), "limit": PAGE}
        while True:
            page = self._json(self.http.request("GET", "/v1/payment_intents", params=params))
            intents = page.get("data", [])
            failed += [intent_event(i) for i in intents if _mapping(i) is STRIPE_FAILED_ATTEMPT]
            if not page.get("has_more") or not intents:
                break
            params["starting_after"] = intents[-1]["id"]
        return sorted(failed, key=lambda e: e.occurred_at)

    def _post(self, path: str, form: dict[str, Any], idempotency_key: str) -> requests.Response:
        return self.http.request(
            "POST", path, data=form, headers={"Idempotency-Key": idempotency_key}
        )

    def _json(self, response: requests.Response) -> dict[str, Any]:
        raise_for_retryable(response, "Stripe")
        if response.status_code >= 400:
            error = _error(response)
            raise GatewayError(
                f"Stripe refused the request: {error.get('message') or response.reason}",
                http_status=response.status_code,
                code=error.get("code"),
                decline_code=error.get("decline_code"),
            )
        return response.json()


def intent_event(intent: dict[str, Any]) -> GatewayEvent:
    """A PaymentIntent as Stripe holds it now, read as an event for advance()."""
    mapping = _mapping(intent)
    charge = intent.get("latest_charge") if isinstance(intent.get("latest_charge"), dict) else {}
    error = intent.get("last_payment_error") or {}
    card = ((charge or {}).get("payment_method_details") or {}).get("card") or {}
    return GatewayEvent(
        gateway="stripe",
        event_id=poll_event_id("stripe", intent["id"], mapping.gateway_status),
        external_id=intent["id"],
        status=mapping.status,
        settlement=mapping.settlement,
        amount_minor=int(intent["amount"]),
        currency=str(intent["currency"]).upper(),
        account_number=(intent.get("metadata") or {}).get("account_number"),
        occurred_at=datetime.fromtimestamp(int(intent["created"]), UTC),
        raw_status=mapping.gateway_status,
        refunded_minor=int((charge or {}).get("amount_refunded") or 0),
        decline_code=error.get("decline_code") or error.get("code"),
        last4=card.get("last4"),
    )


def _mapping(intent: dict[str, Any]) -> Mapping:
    status = intent["status"]
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        return STRIPE_FAILED_ATTEMPT
    charge = intent.get("latest_charge")
    if status == "succeeded" and isinstance(charge, dict):
        balance = charge.get("balance_transaction")
        if isinstance(balance, dict) and balance.get("status") == "available":
            return STRIPE_SETTLED
    if status not in STRIPE_INTENT_STATUSES:
        raise GatewayError(f"Stripe PaymentIntent status '{status}' is not known to Tilldesk.")
    return STRIPE_INTENT_STATUSES[status]


def _charge_result(intent: dict[str, Any]) -> ChargeResult:
    mapping = _mapping(intent)
    return ChargeResult(
        external_id=intent["id"],
        approved=mapping.status == "Posted",
        status=mapping.status,
        settlement=mapping.settlement,
        amount_minor=int(intent["amount"]),
        currency=str(intent["currency"]).upper(),
        message=mapping.webhook_status,
    )


def _declined(error: dict[str, Any]) -> ChargeResult:
    intent = error["payment_intent"]
    card = ((error.get("payment_method") or {}).get("card")) or {}
    return ChargeResult(
        external_id=intent["id"],
        approved=False,
        status="Failed",
        settlement="N/A",
        amount_minor=int(intent["amount"]),
        currency=str(intent["currency"]).upper(),
        message=error.get("message") or "Card declined",
        decline_code=error.get("decline_code") or error.get("code"),
        last4=card.get("last4"),
    )


def _error(response: requests.Response) -> dict[str, Any]:
    if response.status_code < 400:
        return {}
    try:
        return response.json().get("error") or {}
    except ValueError:
        return {}
