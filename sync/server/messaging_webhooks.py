"""The messaging providers' callbacks on the central server: Twilio status and inbound SMS,
Meta's WhatsApp webhooks, the mail relay's bounces and complaints, and `/u/{token}` one-click
unsubscribe links. Each request is verified by the vendor's documented signature first (403
and nothing recorded when it fails), then turned into DeliveryEvents for `record`.

Secrets come from `secret(name)` (the keyring, service "tilldesk-messaging"); a missing one is
a 503 so the provider retries once it is added. Idempotency is the recorder's job (event_id).
"""

import hmac
import html
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse

from app.recovery.channels import DeliveryEvent
from app.recovery.unsubscribe import (
    BadUnsubscribeToken,
    UnsubscribeRequest,
    read_unsubscribe_token,
)
from sync.messaging import credentials as keys
from sync.messaging import webhook_events as convert
from sync.messaging import webhook_paths as paths

Record = Callable[[list[DeliveryEvent]], None]
SecretLookup = Callable[[str], str | None]
RELAY_SIGNATURE = "X-Tilldesk-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
DEFAULT_PORTS = {"https": 443, "http": 80}


def messaging_router(
    record: Record,
    secret: SecretLookup,
    clock: Callable[[], datetime],
    *,
    public_url: str = "",
) -> APIRouter:
    router = APIRouter(tags=["messaging"])
    forbidden: dict[int | str, dict[str, Any]] = {
        403: {"description": "Bad or missing signature; nothing was recorded"}
    }

    def needed(name: str) -> str:
        value = secret(name)
        if not value:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"The {name} is not in the keyring (service {keys.SERVICE}).",
            )
        return value

    async def deliver(events: list[DeliveryEvent]) -> None:
        if events:
            await run_in_threadpool(record, events)

    async def twilio_form(request: Request) -> list[tuple[str, str]]:
        body = (await request.body()).decode("utf-8", errors="replace")
        params = parse_qsl(body, keep_blank_values=True)
        url = _public(request, public_url)
        if not convert.twilio_valid(
            _url_variants(url),
            params,
            needed(keys.TWILIO_AUTH_TOKEN),
            request.headers.get("X-Twilio-Signature", ""),
        ):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Bad X-Twilio-Signature.")
        return params

    @router.post(paths.TWILIO_STATUS_PATH, status_code=204, responses=forbidden)
    async def twilio_status(request: Request) -> Response:
        form = dict(await twilio_form(request))
        await deliver(_readable(lambda: convert.twilio_status_events(form, clock())))
        return Response(status_code=204)

    @router.post(paths.TWILIO_INBOUND_PATH, responses=forbidden)
    async def twilio_inbound(request: Request) -> Response:
        form = dict(await twilio_form(request))
        await deliver(_readable(lambda: convert.twilio_inbound_events(form, clock())))
        # Empty TwiML: no automatic answer (Twilio itself confirms STOP and START).
        return Response(EMPTY_TWIML, media_type="text/xml")

    @router.get(paths.WHATSAPP_PATH, response_class=PlainTextResponse, responses=forbidden)
    async def whatsapp_verify(request: Request) -> str:
        query = request.query_params
        given = query.get("hub.verify_token", "")
        expected = needed(keys.WHATSAPP_VERIFY_TOKEN)
        if query.get("hub.mode") != "subscribe" or not _same(given, expected):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Wrong verify token.")
        return query.get("hub.challenge", "")

    @router.post(paths.WHATSAPP_PATH, responses=forbidden)
    async def whatsapp_events(request: Request) -> dict[str, int]:
        body = await request.body()
        header = request.headers.get("X-Hub-Signature-256", "")
        if not convert.hex_hmac_valid(body, needed(keys.WHATSAPP_APP_SECRET), header):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Bad X-Hub-Signature-256.")
        events = _readable(lambda: convert.meta_events(_json(body)))
        await deliver(events)
        return {"events": len(events)}

    @router.post(paths.EMAIL_EVENTS_PATH, responses=forbidden)
    async def email_events(request: Request) -> dict[str, int]:
        body = await request.body()
        header = request.headers.get(RELAY_SIGNATURE, "")
        if not convert.hex_hmac_valid(body, needed(keys.EMAIL_RELAY_SECRET), header):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"Bad {RELAY_SIGNATURE}.")
        events = _readable(lambda: convert.email_relay_events(_json(body), clock()))
        await deliver(events)
        return {"events": len(events)}

    # A GET only asks: mail scanners fetch every link in a message, and a fetch must not
    # unsubscribe anyone (RFC 8058). The button, or the mail client's one-click POST, does.
    @router.get(f"{paths.UNSUBSCRIBE_PREFIX}/{{token}}", response_class=HTMLResponse)
    async def unsubscribe_page(token: str) -> HTMLResponse:
        request = _unsubscribe_request(token, needed(keys.UNSUBSCRIBE_KEY))
        if request is None:
            return _page("Link not valid", _INVALID, status.HTTP_403_FORBIDDEN)
        contact = html.escape(request.contact)
        form = (
            f"<p>Stop reminders to <b>{contact}</b>?</p>"
            '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
            '<button type="submit">Unsubscribe</button></form>'
        )
        return _page("Unsubscribe", form)

    @router.post(f"{paths.UNSUBSCRIBE_PREFIX}/{{token}}", response_class=HTMLResponse)
    async def unsubscribe(token: str) -> HTMLResponse:
        request = _unsubscribe_request(token, needed(keys.UNSUBSCRIBE_KEY))
        if request is None:
            return _page("Link not valid", _INVALID, status.HTTP_403_FORBIDDEN)
        await deliver([convert.unsubscribe_event(request, token, clock())])
        contact = html.escape(request.contact)
        return _page("Unsubscribed", f"<p>You will get no more reminders at <b>{contact}</b>.</p>")

    return router


_INVALID = "<p>This unsubscribe link is not valid. Use the link in the message as it came.</p>"


def _page(title: str, body: str, code: int = 200) -> HTMLResponse:
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;"
        "margin:2rem auto;padding:0 1rem;line-height:1.5}button{font-size:1.1rem;"
        f"padding:.6rem 1.4rem}}</style></head><body><h1>{title}</h1>{body}</body></html>"
    )
    return HTMLResponse(page, status_code=code)


def _unsubscribe_request(token: str, key: str) -> UnsubscribeRequest | None:
    try:
        return read_unsubscribe_token(key, token)
    except BadUnsubscribeToken:
        return None


def _readable(convert_payload: Callable[[], list[DeliveryEvent]]) -> list[DeliveryEvent]:
    try:
        return convert_payload()
    except convert.PayloadError as error:  # signed, so the sender is real: say what is wrong
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None


def _json(body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except ValueError:
        raise convert.PayloadError("The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise convert.PayloadError("The body is not a JSON object.")
    return payload


def _public(request: Request, public_url: str) -> str:
    """The URL Twilio requested: behind a proxy that is the public one, not what we see."""
    if not public_url:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{public_url.rstrip('/')}{request.url.path}{query}"


def _url_variants(url: str) -> list[str]:
    """Twilio signs the URL as it was configured, with or without a port; its own validators
    accept the URL as seen, without its port, and with the scheme's default port."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        return [url, urlunsplit(parts._replace(netloc=host))]
    default = DEFAULT_PORTS.get(parts.scheme)
    return [url, urlunsplit(parts._replace(netloc=f"{host}:{default}"))] if default else [url]


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
