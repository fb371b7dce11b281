"""A half-open connection never stalls a sync: short deadlines, and keep-alive probes on the
real socket so an idle pooled connection to a vanished server is found dead."""

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync.client.errors import ServerUnavailable
from sync.client.http import (
    CONNECT_TIMEOUT_S,
    KEEPALIVE_IDLE_S,
    KEEPALIVE_INTERVAL_S,
    KEEPALIVE_PROBES,
    READ_TIMEOUT_S,
    ServerClient,
)


class _Health(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the connection, so it stays in the client's pool

    def do_GET(self) -> None:
        body = json.dumps({"epoch": "e1", "server_time": datetime.now(UTC).isoformat()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def answering_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: what a half-open connection looks like."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def _pooled_sockets(client: ServerClient, url: str) -> list[socket.socket]:
    manager = client.session.get_adapter(url).poolmanager
    sockets = []
    for key in manager.pools.keys():  # noqa: SIM118 - the container cannot be iterated
        for conn in manager.pools[key].pool.queue:
            if conn is not None and conn.sock is not None:
                sockets.append(conn.sock)
    return sockets


def test_the_deadlines_are_short_enough_that_a_stalled_sync_gives_up_within_seconds():
    client = ServerClient("https://sync.example:8443")
    assert client.timeout == (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
    assert CONNECT_TIMEOUT_S <= 5
    assert READ_TIMEOUT_S <= 20


def test_the_connection_to_the_server_probes_its_peer_with_tcp_keepalive(answering_server):
    client = ServerClient(answering_server)
    try:
        assert client.health().epoch == "e1"
        sockets = _pooled_sockets(client, answering_server)
        assert sockets, "the connection should stay pooled for the next request"
        for sock in sockets:
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
            if hasattr(socket, "TCP_KEEPIDLE"):
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == KEEPALIVE_IDLE_S
                interval = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL)
                assert interval == KEEPALIVE_INTERVAL_S
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == KEEPALIVE_PROBES
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1  # kept
    finally:
        client.close()


def test_a_server_that_accepts_and_never_answers_is_reported_unavailable(silent_server):
    client = ServerClient(silent_server, timeout=(CONNECT_TIMEOUT_S, 0.5))
    try:
        with pytest.raises(ServerUnavailable, match="out of reach"):
            client.health()
    finally:
        client.close()
