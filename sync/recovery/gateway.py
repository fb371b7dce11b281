"""The recovery service's gateway port over the Stripe and NMI adapters, and stand-ins.

Both adapters make a charge idempotent by key (Stripe's Idempotency-Key, NMI's order id), and
a look-up by key tells what became of a charge whose answer a crash lost.
"""

import hashlib
import logging
import os
from collections.abc import Mapping
from typing import Any

from app.recovery.message_ledger import MessagePermit
from app.recovery.ports import MessageResult
from app.services.recovery_run import ChargeOutcome, ChargeRequest
from sync.gateways.adapters.base import ChargeResult, GatewayAdapter
from sync.gateways.adapters.nmi import NmiAdapter
from sync.gateways.adapters.stripe import StripeAdapter
from sync.gateways.config import nmi_adapter, stripe_adapter
from sync.loopback import is_loopback_url

log = logging.getLogger(__name__)

NMI_APPROVED = "100"
# Loopback tests and demos only: the real keys live in the OS keyring (sync.gateways.config).
ENV_KEYS = {"nmi": "TILLDESK_RECOVERY_NMI_KEY", "stripe": "TILLDESK_RECOVERY_STRIPE_KEY"}


class AdapterGateway:
    """Charges through the gateway adapter named by the case (nmi, stripe)."""

    def __init__(self, adapters: Mapping[str, GatewayAdapter]) -> None:
        self.adapters = adapters

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        result = self._adapter(request.gateway).charge(
            request.amount_minor,
            request.currency,
            request.instrument,
            request.reference,
            request.idempotency_key,
        )
        return _outcome(request.gateway, result)

    def lookup(self, request: ChargeRequest) -> ChargeOutcome | None:
        adapter = self._adapter(request.gateway)
        if isinstance(adapter, NmiAdapter):
            found = adapter.sale_by_order_id(request.idempotency_key)
            return _outcome(request.gateway, found) if found is not None else None
        # Stripe cannot be searched by idempotency key: the same request under the same key is
        # answered with the first one's result (and is made once if the first never arrived).
        return self.charge(request)

    def _adapter(self, gateway: str) -> GatewayAdapter:
        if gateway not in self.adapters:
            raise LookupError(f"no adapter configured for gateway {gateway!r}")
        return self.adapters[gateway]


def adapters_from(urls: Mapping[str, str]) -> dict[str, GatewayAdapter]:
    """Adapters for `--gateway NAME=URL` (URL empty: the gateway's own); keys from the keyring."""
    adapters: dict[str, GatewayAdapter] = {}
    for name, url in urls.items():
        # A key from the environment is taken only for a gateway on this machine (a loopback
        # fake): a real gateway's key comes from the keyring and nowhere else.
        key = os.environ.get(ENV_KEYS.get(name, ""), "") if is_loopback_url(url) else ""
        extra: dict[str, Any] = {"base_url": url} if url else {}
        if name == "nmi":
            adapters[name] = NmiAdapter(key, **extra) if key else nmi_adapter(**extra)
        elif name == "stripe":
            adapters[name] = StripeAdapter(key, **extra) if key else stripe_adapter(**extra)
        else:
            raise LookupError(f"unknown gateway {name!r}: nmi or stripe")
    return adapters


class DemoGateway:
    """`recovery demo`: approves or declines by a hash of the key, remembers what it answered."""

    def __init__(self, approve_percent: int = 40) -> None:
        self.approve_percent = approve_percent
        self.answers: dict[str, ChargeOutcome] = {}

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        key = request.idempotency_key
        if key not in self.answers:
            roll = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 100
            approved = roll < self.approve_percent
            if request.gateway == "nmi":
                code = NMI_APPROVED if approved else "202"  # NMI: insufficient funds
            else:
                code = "" if approved else "insufficient_funds"
            self.answers[key] = ChargeOutcome(approved, code, "", key)
        return self.answers[key]

    def lookup(self, request: ChargeRequest) -> ChargeOutcome | None:
        return self.answers.get(request.idempotency_key)


class LoggingMessenger:
    """Until the messaging issue plugs real channels in: log the message, call it accepted."""

    def send(self, permit: MessagePermit, *, template: str, payment_link: bool) -> MessageResult:
        log.info(
            "message %s on %s to consumer %s (case %s, link=%s)",
            template,
            permit.channel,
            permit.consumer_id,
            permit.case_id,
            payment_link,
        )
        return MessageResult(accepted=True, error=None)


def _outcome(gateway: str, result: ChargeResult) -> ChargeOutcome:
    if result.approved:
        code = NMI_APPROVED if gateway == "nmi" else ""
    else:
        code = result.decline_code or ""
    return ChargeOutcome(result.approved, code, "", result.external_id)
