"""The wire: requests to the central server with time-outs, TLS checks and the Bearer token."""

from collections.abc import Callable
from typing import TypeVar

import requests
from pydantic import BaseModel, ValidationError

from sync.client.errors import ServerRefused, ServerUnavailable
from sync.protocol import (
    Health,
    PullResponse,
    PushRequest,
    PushResponse,
    RegisterRequest,
    Registration,
)

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 60.0  # a 10,000-change page of a first load takes a while to build

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
        # Passed with every request: a session-level verify loses to $REQUESTS_CA_BUNDLE.
        self.verify: str | bool = ca_file or True
        self.session.headers["Accept"] = "application/json"
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
        )

    def push(self, request: PushRequest) -> PushResponse:
        return self._call("POST", "/v1/push", PushResponse, body=request)

    def pull(self, cursor: int, limit: int) -> PullResponse:
        return self._call(
            "GET", "/v1/pull", PullResponse, params={"cursor": cursor, "limit": limit}
        )

    def _call(
        self,
        method: str,
        path: str,
        model: type[Model],
        *,
        body: BaseModel | None = None,
        params: dict[str, int] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> Model:
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
                "Give the server's CA file with --ca."
            ) from None
        except requests.RequestException as error:
            raise ServerUnavailable(f"{self.base_url} is out of reach: {_short(error)}") from None
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise ServerUnavailable(f"The server answered {response.status_code}.")
        if response.status_code in (401, 403):
            raise ServerRefused(_refusal(response, "The server refused this terminal's token"))
        if response.status_code >= 400:
            raise ServerRefused(_refusal(response, "The server refused the request"))
        try:
            return model.model_validate_json(response.content)
        except ValidationError as error:
            # A half-delivered body (proxy cut) looks like this too: worth another try.
            raise ServerUnavailable(f"The server's answer was not understood: {error}") from None


def _refusal(response: requests.Response, prefix: str) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = response.text[:200]
    return f"{prefix} ({response.status_code}): {detail}" if detail else f"{prefix}."


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:200] + "..."
