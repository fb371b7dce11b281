"""The simulated world as an HTTP server on loopback, speaking the `recovery simulate` protocol.

    python -m sync.simulation.world --portfolio DIR --port 0 --seed 7

prints the URL it listens on, then serves until interrupted:
POST /attempt, POST /message, GET /events?until=ISO, GET /stats (see issue 10).
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sync.simulation.localtime import parse_instant
from sync.simulation.portfolio_files import read_portfolio
from sync.simulation.world_model import World, WorldError

MAX_BODY = 64 * 1024
HOST = "127.0.0.1"  # loopback only; the URL is built from it (the stubs allow a bytes host)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a simulation makes tens of thousands of calls
    server: _WorldServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and the
        # client's delayed ACK cost 40 ms per request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        self._answer(lambda: self._post(path))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self._answer(lambda: self._get(parts.path, parse_qs(parts.query)))

    def _post(self, path: str) -> object:
        body = self._body()
        world = self.server.world
        if path == "/attempt":
            amount = body.get("amount_minor")
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise WorldError(400, "amount_minor must be an integer")
            return world.attempt(_text(body, "case_id"), _instant(body, "at"), amount)
        if path == "/message":
            return world.message(
                _text(body, "case_id"),
                _instant(body, "at"),
                _text(body, "channel"),
                payment_link=bool(body.get("payment_link", False)),
                urgent=bool(body.get("urgent", False)),
            )
        raise WorldError(404, f"no such endpoint {path}")

    def _get(self, path: str, query: dict[str, list[str]]) -> object:
        if path == "/events":
            # An unencoded "+00:00" offset arrives as a space.
            until = query.get("until", [""])[0].replace(" ", "+")
            return self.server.world.events(_instant({"until": until}, "until"))
        if path == "/stats":
            return self.server.world.stats()
        raise WorldError(404, f"no such endpoint {path}")

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise WorldError(413, "request body too large")
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError as error:
            raise WorldError(400, f"the body is not JSON: {error}") from error
        if not isinstance(body, dict):
            raise WorldError(400, "the body must be a JSON object")
        return body

    def _answer(self, produce: object) -> None:
        try:
            status, payload = 200, produce()  # type: ignore[operator]
        except WorldError as error:
            status, payload = error.status, {"error": str(error)}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _WorldServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, world: World, port: int) -> None:
        super().__init__((HOST, port), _Handler)
        self.world = world


def _text(body: dict, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise WorldError(400, f"{key} must be a non-empty string")
    return value


def _instant(body: dict, key: str) -> datetime:
    try:
        return parse_instant(_text(body, key))
    except ValueError as error:
        raise WorldError(400, f"{key} is not an ISO-8601 time: {error}") from error


def serve(world: World, port: int = 0) -> _WorldServer:
    """Start serving in a background thread; the caller shuts the server down."""
    server = _WorldServer(world, port)
    threading.Thread(target=server.serve_forever, name="world", daemon=True).start()
    return server


def url_of(server: _WorldServer) -> str:
    return f"http://{HOST}:{server.server_address[1]}"


@contextmanager
def running_world(portfolio_dir: Path, seed: int) -> Iterator[tuple[str, World]]:
    """A world on a free loopback port for the duration of the block."""
    world = World(read_portfolio(portfolio_dir), seed)
    server = serve(world)
    try:
        yield url_of(server), world
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.simulation.world", description=__doc__)
    parser.add_argument("--portfolio", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    server = _WorldServer(World(read_portfolio(args.portfolio), args.seed), args.port)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(url_of(server), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
