"""The central server's web app: health, register, push, pull and the gateway webhooks.

`create_app(db_url)` is all a caller needs; `tilldesk server run` serves it with uvicorn after
migrating the database. Endpoints are plain functions (FastAPI runs them on its thread pool)
because the database layer is synchronous SQLAlchemy.
"""

import os
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from sqlalchemy.exc import DataError

from sync.protocol import (
    MAX_BULK_PULL_PAGE,
    Health,
    PullResponse,
    PushRequest,
    PushResponse,
    RegisterRequest,
    Registration,
    TerminalConfirmation,
)
from sync.server import feed
from sync.server.auth import (
    TerminalIdentity,
    admin_password_hash,
    password_matches,
    terminal_for_token,
)
from sync.server.db import current_epoch, epoch_of, make_engine
from sync.server.keys import keyring_secret
from sync.server.limits import BodyLimit
from sync.server.number_blocks import number_block_router
from sync.server.push import store_push
from sync.server.ratelimit import HashingBusy, LockedOut, SignInLimiter
from sync.server.registration import (
    CodeTaken,
    NotConfirmable,
    confirm_terminal,
    register_terminal,
)
from sync.server.webhooks import EventHook, SecretLookup, webhook_router

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


_basic = HTTPBasic(auto_error=False)
_bearer = HTTPBearer(auto_error=False)


def create_app(
    db_url: str,
    *,
    clock: Clock = _utc_now,
    secret_lookup: SecretLookup = keyring_secret,
    pool_size: int = 10,
    sign_ins: SignInLimiter | None = None,
    routers: Sequence[APIRouter] = (),
    event_hooks: Sequence[EventHook] = (),
    number_block_size: int | None = None,
) -> FastAPI:
    """The app over an already migrated database (see sync.server.db.migrate_database)."""
    sign_ins = sign_ins or SignInLimiter()
    engine = make_engine(db_url, pool_size=pool_size)
    app = FastAPI(
        title="Tilldesk central server",
        version="1",
        description="Sync API for Tilldesk counters, and gateway webhooks.",
    )
    app.state.engine = engine
    app.state.clock = clock
    # JSON pages compress about tenfold; level 1 costs little CPU for that (a new counter's
    # first pull of a million consumers is about 1 GB of JSON before compression).
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=1)

    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, error: DataError) -> JSONResponse:
        """A value PostgreSQL cannot hold (a NUL character, a number out of range) is the
        caller's mistake, not a server error."""
        reason = str(error.orig).splitlines()[0] if error.orig else "invalid value"
        return JSONResponse({"detail": f"A value could not be stored: {reason}"}, status_code=400)

    @app.middleware("http")
    async def server_time_header(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Every answer, errors included, says what time the server thinks it is."""
        response = await call_next(request)
        response.headers["X-Server-Time"] = clock().isoformat()
        return response

    def terminal(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> TerminalIdentity:
        found = None
        if credentials is not None and credentials.scheme.lower() == "bearer":
            with engine.connect() as conn:
                found = terminal_for_token(conn, credentials.credentials)
        if found is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "A valid terminal token is required.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not found.active:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"Terminal {found.code}'s registration is not confirmed: the counter has not "
                "shown that it stored its token. Run 'tilldesk terminal register' on it again.",
            )
        return found

    def admin(
        request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]
    ) -> str:
        if credentials is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "Server admin credentials are required.",
                headers={"WWW-Authenticate": "Basic"},
            )
        address = request.client.host if request.client else "unknown"
        try:
            sign_ins.begin(address, credentials.username)
        except LockedOut as locked:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                str(locked),
                headers={"Retry-After": locked.retry_after},
            ) from None
        with engine.connect() as conn:
            stored = admin_password_hash(conn, credentials.username)
        try:
            ok = password_matches(stored, credentials.password)
        except HashingBusy as busy:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, str(busy), headers={"Retry-After": "5"}
            ) from None
        if not ok:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "Server admin credentials are required.",
                headers={"WWW-Authenticate": "Basic"},
            )
        sign_ins.succeeded(address, credentials.username)
        return credentials.username

    # Routers built outside (the recovery areas' APIs) check admins here too, lockout included.
    app.state.admin = admin

    @app.get("/v1/health", response_model=Health, tags=["sync"])
    def health() -> Health:
        return Health(epoch=current_epoch(engine), server_time=clock())

    @app.post(
        "/v1/terminals/register",
        response_model=Registration,
        tags=["sync"],
        responses={401: {"description": "Not an admin"}, 409: {"description": "Code taken"}},
    )
    def register(request: RegisterRequest, who: Annotated[str, Depends(admin)]) -> Registration:
        try:
            registered = register_terminal(
                engine,
                terminal_id=request.terminal_id,
                code=request.code,
                name=request.name,
                admin=who,
                now=clock(),
                site=request.site,
            )
        except CodeTaken as taken:
            raise HTTPException(status.HTTP_409_CONFLICT, str(taken)) from None
        return Registration(
            terminal_id=registered.terminal_id,
            code=registered.code,
            token=registered.token,
            epoch=current_epoch(engine),
            server_time=clock(),
        )

    @app.post(
        "/v1/terminals/confirm",
        response_model=TerminalConfirmation,
        tags=["sync"],
        responses={401: {"description": "Unknown token, or the registration expired"}},
    )
    def confirm(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> TerminalConfirmation:
        """The counter read its new token back from its keyring: the terminal becomes active."""
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "A terminal token is required.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            done = confirm_terminal(engine, token=credentials.credentials, now=clock())
        except NotConfirmable as refused:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, str(refused), headers={"WWW-Authenticate": "Bearer"}
            ) from None
        return TerminalConfirmation(
            terminal_id=done.terminal_id,
            code=done.code,
            activated_at=done.activated_at,
            server_time=clock(),
        )

    @app.post(
        "/v1/push",
        response_model=PushResponse,
        tags=["sync"],
        responses={401: {"description": "No or wrong terminal token"}},
    )
    def push(
        request: PushRequest, who: Annotated[TerminalIdentity, Depends(terminal)]
    ) -> PushResponse:
        results = store_push(engine, who, request, clock())
        return PushResponse(epoch=current_epoch(engine), server_time=clock(), results=results)

    @app.get(
        "/v1/pull",
        response_model=PullResponse,
        tags=["sync"],
        responses={401: {"description": "No or wrong terminal token"}},
    )
    def pull(
        who: Annotated[TerminalIdentity, Depends(terminal)],
        cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_BULK_PULL_PAGE)] = 1000,
        totals: Annotated[bool, Query(description="count what follows, per entity")] = False,
    ) -> Response:
        with engine.connect() as conn:
            page = feed.read_page(conn, cursor, limit, terminal_id=who.id)
            epoch = epoch_of(conn)
            counts = feed.count_after(conn, cursor) if totals else None
        # The page's JSON comes ready-made from PostgreSQL; only the envelope is built here.
        envelope = PullResponse(
            epoch=epoch,
            server_time=clock(),
            changes=[],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
            totals=counts,
        ).model_dump_json(exclude={"totals"} if counts is None else None)
        body = envelope.replace('"changes":[]', f'"changes":{page.changes_json}', 1)
        return Response(body, media_type="application/json")

    app.include_router(webhook_router(engine, clock, secret_lookup, event_hooks))
    app.include_router(number_block_router(engine, clock, terminal, block_size=number_block_size))
    for router in routers:  # the recovery areas' routes, wired by cli/wiring/server_app.py
        app.include_router(router)
    # Added last, so outermost: an oversized body is refused before anything else runs.
    app.add_middleware(BodyLimit)
    return app


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory`: the database URL comes from $TILLDESK_SERVER_DB."""
    return create_app(os.environ["TILLDESK_SERVER_DB"])
