"""POST /v1/webhooks/stripe and /v1/webhooks/nmi: signature first, then apply the event.

Secrets come from the OS keyring (service "tilldesk-server", names "stripe-webhook-secret" and
"nmi-signing-key"), never from a file or the database. A bad signature is a 400 and changes
nothing; an event kind we do not track is acknowledged with 200 so the gateway stops retrying.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import Engine

from sync.gateways.errors import PayloadError, SignatureError, UnsupportedEvent
from sync.gateways.events import GatewayEvent
from sync.gateways.webhooks import verify_nmi, verify_stripe
from sync.server.keys import KEYRING_SERVICE, NMI_KEY, STRIPE_SECRET
from sync.server.online import apply_event

log = logging.getLogger(__name__)

SecretLookup = Callable[[str], str | None]
# Told every verified payment event after it is applied (the recovery intake opens a case for
# a failed one). A hook that raises makes the answer 503: the gateway sends the event again,
# and both the apply and the intake are idempotent by the gateway's ids.
EventHook = Callable[[GatewayEvent], None]


class WebhookAnswer(BaseModel):
    received: bool
    external_id: str | None = None
    status: str | None = None
    settlement_status: str | None = None
    duplicate: bool = False


def webhook_router(
    engine: Engine,
    clock: Callable[[], datetime],
    secret_lookup: SecretLookup,
    hooks: Sequence[EventHook] = (),
) -> APIRouter:
    router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
    bad: dict[int | str, dict[str, Any]] = {
        400: {"description": "Bad or missing signature, or unreadable body"}
    }

    def secret(name: str) -> str:
        value = secret_lookup(name)
        if not value:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"The {name} is not in the keyring (service {KEYRING_SERVICE}).",
            )
        return value

    def handle(verify: Callable[[], GatewayEvent]) -> WebhookAnswer:
        try:
            event = verify()
            if event.kind != "payment":
                return WebhookAnswer(received=True, external_id=event.external_id)
            applied = apply_event(engine, event, clock())
        except SignatureError as error:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
        except UnsupportedEvent:
            return WebhookAnswer(received=True)
        except PayloadError as error:  # signed, but unreadable or breaking the payment rules
            raise HTTPException(status.HTTP_400_BAD_REQUEST, error.message) from None
        for hook in hooks:
            try:
                hook(event)
            except Exception:
                log.exception("A webhook hook failed on %s %s", event.gateway, event.event_id)
                raise HTTPException(
                    status.HTTP_503_SERVICE_UNAVAILABLE, "Not recorded yet: send it again later."
                ) from None
        return WebhookAnswer(
            received=True,
            external_id=applied.external_id,
            status=applied.status,
            settlement_status=applied.settlement,
            duplicate=applied.duplicate,
        )

    @router.post("/stripe", response_model=WebhookAnswer, responses=bad)
    async def stripe(request: Request) -> WebhookAnswer:
        body = await request.body()
        header = request.headers.get("Stripe-Signature", "")
        key = secret(STRIPE_SECRET)
        return await run_in_threadpool(handle, lambda: verify_stripe(body, header, key, clock()))

    @router.post("/nmi", response_model=WebhookAnswer, responses=bad)
    async def nmi(request: Request) -> WebhookAnswer:
        body = await request.body()
        header = request.headers.get("Webhook-Signature", "")
        key = secret(NMI_KEY)
        return await run_in_threadpool(handle, lambda: verify_nmi(body, header, key, clock()))

    return router
