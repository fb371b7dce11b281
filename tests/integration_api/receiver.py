"""A webhook receiver on loopback (http.server in a thread) that answers from a script.

It checks signatures the way the documentation tells integrators to, written here from the
documented algorithm rather than imported, so a change to our signing breaks these tests.
"""

import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


def documented_signature_ok(secret: str, header: str, body: bytes) -> bool:
    """Tilldesk-Signature: t=<unix>,v1=hex(HMAC-SHA256(secret, f"{t}." + body))."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@dataclass
class Receiver:
    answers: list[int] = field(default_factory=list)  # status codes in turn; then 200
    received: list[Received] = field(default_factory=list)

    def start(self) -> "Receiver":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.received.append(Received(self.path, dict(self.headers.items()), body))
                code = owner.answers.pop(0) if owner.answers else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/tilldesk"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
