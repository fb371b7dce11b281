"""POST /v1/webhooks/razorpay: failed e-NACH debits and UPI AutoPay executions, for recovery.

Signature first (Razorpay's HMAC of the raw body, secret "razorpay-webhook-secret" in the
server's keyring); a bad one is a 400 and records nothing. Events other than a recurring
payment's failure are acknowledged and ignored. The failure is handed to the recovery intake
(wired in cli/wiring/server_recovery_intake.py); if that cannot record it, the answer is 503 and
Razorpay sends it again (the intake is idempotent by the payment id).
"""

import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from sync.gateways.errors import PayloadError, SignatureError, UnsupportedEvent
from sync.gateways.razorpay_events import RecurringFailure, recurring_failure, verify_razorpay
from sync.server.keys import KEYRING_SERVICE, RAZORPAY_SECRET

log = logging.getLogger(__name__)

Recorder = Callable[[RecurringFailure], None]


class RecurringAnswer(BaseModel):
    received: bool
    external_id: str | None = None
    code: str | None = None


def razorpay_router(secret_lookup: Callable[[str], str | None], record: Recorder) -> APIRouter:
    router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
    bad: dict[int | str, dict[str, Any]] = {
        400: {"description": "Bad or missing signature, or unreadable body"}
    }

    @router.post("/razorpay", response_model=RecurringAnswer, responses=bad)
    async def razorpay(request: Request) -> RecurringAnswer:
        body = await request.body()
        secret = secret_lookup(RAZORPAY_SECRET)
        if not secret:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"The {RAZORPAY_SECRET} is not in the keyring (service {KEYRING_SERVICE}).",
            )
        try:
            event = verify_razorpay(body, request.headers.get("X-Razorpay-Signature", ""), secret)
            failure = recurring_failure(event, request.headers.get("X-Razorpay-Event-Id", ""))
        except SignatureError as error:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
        except UnsupportedEvent:
            return RecurringAnswer(received=True)
        except PayloadError as error:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, error.message) from None
        try:
            await run_in_threadpool(record, failure)
        except Exception:
            log.exception("Recurring failure %s not recorded", failure.external_id)
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, "Not recorded yet: send it again later."
            ) from None
        return RecurringAnswer(received=True, external_id=failure.external_id, code=failure.code)

    return router
