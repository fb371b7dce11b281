"""The wire: requests to the central server with time-outs, TLS checks and the Bearer token.

A connection whose peer vanished (a half-open connection: the server rebooted, a NAT forgot us)
must fail fast rather than hang a sync: a short connect time-out, a read time-out between bytes,
and TCP keep-alive probes that notice a dead peer on an idle pooled connection.
"""

import hashlib
import socket
import ssl
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection

from sync.client.errors import ServerRefused, ServerUnavailable
from sync.loopback import is_loopback_url
from sync.protocol import (
    MAX_PULL_PAGE,
    Health,
    NumberBlock,
    NumberBlockRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    RegisterRequest,
    Registration,
    SeriesStart,
    SeriesStartRequest,
    TerminalConfirmation,
)

CONNECT_TIMEOUT_S = 5.0
# What a 401/403 means depends on who was asked to sign in: the terminal (its token) or the
# person registering it (the server admin's name and password).
TOKEN_REFUSED = "The server refused this terminal's token"
WRONG_ADMIN = "The server admin name or password was wrong"
# Between bytes, not for the whole answer; the server sends a 10,000-change page's headers
# within a few seconds.
READ_TIMEOUT_S = 20.0
# Probe an idle connection after 10 s, then every 5 s; 3 unanswered probes and it is dead.
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_PROBES = 10, 5, 3


def keepalive_socket_options() -> list[tuple[int, int, int]]:
    """urllib3's defaults plus keep-alive, with the timings where the platform has them."""
    options = [*HTTPConnection.default_socket_options, (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (
        ("TCP_KEEPIDLE", KEEPALIVE_IDLE_S),
        ("TCP_KEEPINTVL", KEEPALIVE_INTERVAL_S),
        ("TCP_KEEPCNT", KEEPALIVE_PROBES),
    ):
        if hasattr(socket, name):
            options.append((socket.IPPROTO_TCP, getattr(socket, name), value))
    return options


class _KeepAliveAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["socket_options"] = keepalive_socket_options()
        super().init_poolmanager(*args, **kwargs)


Model = TypeVar("Model", bound=BaseModel)


class ServerClient:
    """One server. `verify` is True (system CAs), or a CA file for a private certificate."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_file: str | None = None,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        session_factory: Callable[[], requests.Session] = requests.Session,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session_factory()
        for scheme in ("https://", "http://"):
            self.session.mount(scheme, _KeepAliveAdapter())
        # Passed with every request: a session-level verify loses to $REQUESTS_CA_BUNDLE.
        self.verify: str | bool = ca_file or True
        self.session.headers["Accept"] = "application/json"
        if on_this_machine(self.base_url):
            # Compressing a first load's 50,000-change page took the server 0.11 s and saved
            # nothing a loopback connection would notice.
            self.session.headers["Accept-Encoding"] = "identity"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.session.close()

    def health(self) -> Health:
        return self._call("GET", "/v1/health", Health)

    def register(self, request: RegisterRequest, username: str, password: str) -> Registration:
        return self._call(
            "POST",
            "/v1/terminals/register",
            Registration,
            body=request,
            auth=(username, password),
            refused=WRONG_ADMIN,
        )

    def confirm(self) -> TerminalConfirmation:
        """With the new token this client holds: the server activates the terminal."""
        return self._call("POST", "/v1/terminals/confirm", TerminalConfirmation)

    def push(self, request: PushRequest) -> PushResponse:
        return self._call("POST", "/v1/push", PushResponse, body=request)

    def pull(self, cursor: int, limit: int, *, totals: bool = False) -> PullResponse:
        """A page of the feed; `totals`: with the count per entity of all that follows."""
        return self.parse_pull(self.pull_body(cursor, limit, totals=totals))

    def pull_body(self, cursor: int, limit: int, *, totals: bool = False) -> bytes:
        """A page as it came, not yet parsed (parse_pull)."""
        params = {"cursor": cursor, "limit": limit} | ({"totals": 1} if totals else {})
        try:
            return self._send("GET", "/v1/pull", params=params).content
        except ServerRefused:
            if limit <= MAX_PULL_PAGE:
                raise
            # A server older than first-load pages refuses them: its own largest, then.
            return self.pull_body(cursor, MAX_PULL_PAGE, totals=totals)

    def parse_pull(self, body: bytes) -> PullResponse:
        return _parse(PullResponse, body)

    def lease_numbers(self, request: NumberBlockRequest) -> NumberBlock:
        """A block of numbers for a series without {TERM} (the same block if asked again)."""
        return self._call("POST", "/v1/number-blocks", NumberBlock, body=request)

    def set_series_start(self, request: SeriesStartRequest) -> SeriesStart:
        """Where a series without {TERM} starts (refused once its numbers reach that far)."""
        return self._call("POST", "/v1/number-series/start", SeriesStart, body=request)

    def _call(
        self,
        method: str,
        path: str,
        model: type[Model],
        *,
        body: BaseModel | None = None,
        params: dict[str, int] | None = None,
        auth: tuple[str, str] | None = None,
        refused: str = TOKEN_REFUSED,
    ) -> Model:
        response = self._send(method, path, body=body, params=params, auth=auth, refused=refused)
        return _parse(model, response.content)

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        params: dict[str, int] | None = None,
        auth: tuple[str, str] | None = None,
        refused: str = TOKEN_REFUSED,
    ) -> requests.Response:
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                data=body.model_dump_json() if body is not None else None,
                headers={"Content-Type": "application/json"} if body is not None else None,
                params=params,
                auth=auth,
                timeout=self.timeout,
                verify=self.verify,
            )
        except requests.exceptions.SSLError as error:
            raise ServerRefused(
                f"The server's TLS certificate could not be checked ({error}). "
                "Register with the fingerprint 'tilldesk server run' prints (--fingerprint) "
                "or the server's CA file (--ca)."
            ) from None
        except requests.RequestException as error:
            raise ServerUnavailable(f"{self.base_url} is out of reach: {_short(error)}") from None
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise ServerUnavailable(_refusal(response, "The server answered"))
        if response.status_code in (401, 403):
            raise ServerRefused(_refusal(response, refused))
        if response.status_code >= 400:
            raise ServerRefused(_refusal(response, "The server refused the request"))
        return response


def _parse(model: type[Model], content: bytes) -> Model:
    try:
        return model.model_validate_json(content)
    except ValidationError as error:
        # A half-delivered body (proxy cut) looks like this too: worth another try.
        raise ServerUnavailable(f"The server's answer was not understood: {error}") from None


def on_this_machine(server_url: str) -> bool:
    """Whether the server is reached over loopback (a counter beside its server)."""
    return is_loopback_url(server_url)


def pinned_certificate(server_url: str, fingerprint: str) -> str:
    """The server's certificate as PEM, when its SHA-256 is `fingerprint` (as `tilldesk server
    run` prints it): kept as the counter's CA file, it pins a self-signed certificate."""
    wanted = fingerprint.strip().lower().removeprefix("sha256:").replace(":", "")
    if len(wanted) != 64 or any(c not in "0123456789abcdef" for c in wanted):
        raise ServerRefused("A fingerprint is 64 hex digits (colons allowed), e.g. AB:CD:...")
    parts = urlsplit(server_url)
    host = parts.hostname or ""
    context = ssl.create_default_context()
    context.check_hostname = False  # this one look is checked by the fingerprint instead
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, parts.port or 443), CONNECT_TIMEOUT_S) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ValueError) as error:
        raise ServerUnavailable(f"{server_url} is out of reach: {_short(error)}") from None
    if der is None or hashlib.sha256(der).hexdigest() != wanted:
        raise ServerRefused(
            f"The certificate of {server_url} does not have the fingerprint given: this may "
            "not be your server (or someone is in between). Check the fingerprint that "
            "'tilldesk server run' prints."
        )
    return ssl.DER_cert_to_PEM_cert(der)


def _refusal(response: requests.Response, prefix: str) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = response.text[:200]
    return f"{prefix} ({response.status_code}): {detail}" if detail else f"{prefix}."


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:200] + "..."
