"""A tiny world of our own for the simulate tests: the protocol, a few rules, loopback HTTP."""

import csv
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class StubWorld:
    """Approves a charge on the 1st-3rd of the month (payday); a link is paid 2 h after it."""

    def __init__(self, portfolio: Path) -> None:
        with (portfolio / "cases.csv").open() as handle:
            self.owed = {r["case_id"]: int(r["amount_minor"]) for r in csv.DictReader(handle)}
        self.clock: datetime | None = None
        self.breaches: list[str] = []
        self.pending: list[dict] = []
        self.requests = 0
        self.lock = threading.Lock()

    def tick(self, at: datetime) -> None:
        if self.clock is not None and at < self.clock:
            self.breaches.append(f"clock went back from {self.clock} to {at}")
        self.clock = at
        self.requests += 1

    def attempt(self, body: dict) -> tuple[int, dict]:
        at = _instant(body["at"])
        self.tick(at)
        case_id, amount = body["case_id"], body["amount_minor"]
        if self.owed[case_id] == 0:
            self.breaches.append(f"charged {case_id} after it was paid")
        if amount > self.owed[case_id]:
            return 400, {"error": "more than is owed"}
        if at.day <= 3:
            self.owed[case_id] -= amount
            return 200, {"approved": True, "code": "100", "merchant_advice_code": None}
        return 200, {"approved": False, "code": "202", "merchant_advice_code": None}

    def message(self, body: dict) -> tuple[int, dict]:
        at = _instant(body["at"])
        self.tick(at)
        case_id = body["case_id"]
        if body["payment_link"] and self.owed[case_id]:
            self.pending.append(
                {
                    "case_id": case_id,
                    "at": at + timedelta(hours=2),
                    "type": "paid",
                    "channel": body["channel"],
                    "amount_minor": self.owed[case_id],
                }
            )
        return 200, {"accepted": True, "error": None}

    def events(self, until: datetime) -> list[dict]:
        self.tick(until)
        due = [e for e in self.pending if e["at"] <= until]
        self.pending = [e for e in self.pending if e["at"] > until]
        for event in due:
            event["amount_minor"] = min(event["amount_minor"], self.owed[event["case_id"]])
            self.owed[event["case_id"]] -= event["amount_minor"]
        return [{**e, "at": e["at"].strftime("%Y-%m-%dT%H:%M:%SZ")} for e in due]


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        world = self.server.world
        with world.lock:
            if self.path == "/attempt":
                self._reply(*world.attempt(body))
            elif self.path == "/message":
                self._reply(*world.message(body))
            else:
                self._reply(404, {"error": "no such endpoint"})

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        until = _instant(parse_qs(parts.query)["until"][0])
        with self.server.world.lock:
            self._reply(200, self.server.world.events(until))


class _Server(ThreadingHTTPServer):
    def __init__(self, world: StubWorld) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.world = world


@contextmanager
def stub_world(portfolio: Path) -> Iterator[tuple[str, StubWorld]]:
    world = StubWorld(portfolio)
    server = _Server(world)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", world
    finally:
        server.shutdown()
        server.server_close()
