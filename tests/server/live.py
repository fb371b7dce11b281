"""The central server on a loopback port inside the test process (uvicorn in a thread).

Tests talk to it with `requests` like a counter would. For tests that must kill the server
(SIGKILL mid-push) start `tilldesk server run` as a subprocess instead.
"""

import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
import uvicorn

from sync.server.app import create_app
from sync.server.db import make_engine
from tests.pg import SERVER_ADMIN

ADMIN = SERVER_ADMIN  # already in every database made from the test template


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Counter:
    """A registered terminal as the server knows it: id, code and bearer token."""

    server: "LiveServer"
    terminal_id: uuid.UUID
    code: str
    token: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers["Authorization"] = f"Bearer {self.token}"

    def confirm(self) -> requests.Response:
        return self.session.post(f"{self.server.url}/v1/terminals/confirm", timeout=30)

    def push(self, records: list[dict[str, Any]], epoch: str | None = None) -> dict[str, Any]:
        body = {"epoch": epoch, "client_time": datetime.now(UTC).isoformat(), "records": records}
        answer = self.session.post(f"{self.server.url}/v1/push", json=body, timeout=60)
        answer.raise_for_status()
        return answer.json()

    def pull(self, cursor: int = 0, limit: int = 1000) -> dict[str, Any]:
        answer = self.session.get(
            f"{self.server.url}/v1/pull", params={"cursor": cursor, "limit": limit}, timeout=120
        )
        answer.raise_for_status()
        return answer.json()

    def pull_all(self, cursor: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        changes = []
        while True:
            page = self.pull(cursor, limit)
            changes += page["changes"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return changes


class LiveServer:
    def __init__(self, db_url: str, **app_options: Any) -> None:
        self.db_url = db_url
        self.engine = make_engine(db_url, pool_size=2)
        self.app = create_app(db_url, **app_options)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.engine.dispose()
        self.engine.dispose()

    def register(
        self, code: str, terminal_id: uuid.UUID | None = None, *, confirm: bool = True
    ) -> Counter:
        """Both steps a counter takes: register, then confirm it kept the token."""
        terminal_id = terminal_id or uuid.uuid4()
        answer = requests.post(
            f"{self.url}/v1/terminals/register",
            json={"code": code, "terminal_id": str(terminal_id), "name": f"Counter {code}"},
            auth=ADMIN,
            timeout=30,
        )
        answer.raise_for_status()
        counter = Counter(self, terminal_id, code, answer.json()["token"])
        if confirm:
            counter.confirm().raise_for_status()
        return counter
