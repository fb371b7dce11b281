"""Request body size limits per route, enforced while the body streams in (pure ASGI).

A declared Content-Length over the route's limit is answered 413 before a byte of the body is
read; a chunked body is counted as it arrives and cut off with 413 at the limit. Nothing is
ever buffered whole here, so an unauthenticated caller cannot make the server hold more than
one route's limit per request (webhook signatures are only checked after the body is read).
"""

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from sync.protocol import MAX_PUSH_BATCH, MAX_RECORD_PAYLOAD_BYTES, payload_size

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
MIB = 1024 * KIB
# Stripe and NMI events are a few KB; 256 KiB leaves room for the largest we have seen tenfold.
WEBHOOK_BODY_LIMIT = 256 * KIB
# A code, a uuid and a name.
REGISTER_BODY_LIMIT = 4 * KIB
# A full batch at 16 KiB a record on average (a payment with its allocations is about 2 KiB);
# a single record is capped separately (sync.protocol.MAX_RECORD_PAYLOAD_BYTES).
PUSH_BODY_LIMIT = MAX_PUSH_BATCH * 16 * KIB
# Everything else (pull, health, what is added later) carries no real body.
DEFAULT_BODY_LIMIT = 64 * KIB

# Longest matching prefix wins.
ROUTE_LIMITS: Mapping[str, int] = {
    "/v1/webhooks/": WEBHOOK_BODY_LIMIT,
    "/v1/terminals/": REGISTER_BODY_LIMIT,
    "/v1/push": PUSH_BODY_LIMIT,
}


class BodyTooLarge(Exception):
    """Raised into the app from receive() when the body passes the limit."""


def limit_for(path: str, limits: Mapping[str, int] = ROUTE_LIMITS) -> int:
    matches = [prefix for prefix in limits if path.startswith(prefix)]
    return limits[max(matches, key=len)] if matches else DEFAULT_BODY_LIMIT


class BodyLimit:
    """ASGI middleware: wrap the app so every request body respects its route's limit."""

    def __init__(self, app: ASGIApp, limits: Mapping[str, int] = ROUTE_LIMITS) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.limits)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send, limit)
            return
        await _LimitedRequest(self.app, limit).run(scope, receive, send)


class _LimitedRequest:
    """One request: counts the body as the app reads it. Past the limit the app's receive()
    raises, and whatever the app then answers (FastAPI may call it a parse error) is replaced
    by the 413, unless the app had already started its answer."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.received = 0
        self.exceeded = False
        self.answered = False

    async def run(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def limited_receive() -> Message:
            if self.exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
                if self.received > self.limit:
                    self.exceeded = True
                    raise BodyTooLarge(f"the request body is over {self.limit} bytes")
            return message

        async def guarded_send(message: Message) -> None:
            if self.exceeded and not self.answered:
                return
            self.answered = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not self.exceeded:
                raise
        if self.exceeded and not self.answered:
            await _too_large(send, self.limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP server rejects a malformed length itself
    return None


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"The request body is larger than this route's {limit:,} bytes."})
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


def oversized_payload(payload: object) -> str | None:
    """Why a pushed record's payload is too large to keep, or None (see push.py)."""
    size = payload_size(payload)
    if size > MAX_RECORD_PAYLOAD_BYTES:
        return f"its payload is {size:,} bytes, over the {MAX_RECORD_PAYLOAD_BYTES:,} allowed"
    return None
