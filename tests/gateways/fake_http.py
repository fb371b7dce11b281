"""The loopback HTTP server under the gateway fakes: request log and failure switches."""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class FakeGateway:
    """The loop, the request log and the failure switches; subclasses answer requests."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.now: Callable[[], float] = time.time
        self._failures: list[tuple[int, str]] = []
        self._lose = 0
        self._delays: list[float] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._serve(self, "GET")

            def do_POST(self) -> None:
                fake._serve(self, "POST")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda *args: None  # a client that gave up: expected here
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeGateway":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, times: int = 1, status: int = 503, path: str = "") -> None:
        """Answer the next `times` requests (whose path ends with `path`) with `status`."""
        self._failures += [(status, path)] * times

    def lose_next_answer(self) -> None:
        self._lose += 1

    def delay_next_answer(self, seconds: float) -> None:
        """Do the work at once, answer after `seconds`: a slow network after the commit."""
        self._delays.append(seconds)

    def answer(self, seen: Seen) -> Reply:  # pragma: no cover - overridden
        raise NotImplementedError

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode() if length else ""
        form = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        form |= {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        seen = Seen(method, split.path, dict(handler.headers.items()), form)
        with self._lock:
            self.requests.append(seen)
            if self._failures and seen.path.endswith(self._failures[0][1]):
                status = self._failures.pop(0)[0]
                reply = Reply(status, self.error_body(status))
            else:
                reply = self.answer(seen)
            lose, self._lose = self._lose > 0, max(self._lose - 1, 0)
            delay = self._delays.pop(0) if self._delays else 0.0
        time.sleep(delay)
        if lose:
            handler.close_connection = True
            return
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        for key, value in reply.headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(reply.body)

    def error_body(self, status: int) -> bytes:
        return json.dumps({"error": {"type": "api_error", "message": f"HTTP {status}"}}).encode()
