"""Request bodies have limits per route: an oversized body is refused with 413 while it streams,
never read whole, so unsigned webhook posts cannot take the server's memory."""

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from sync.protocol import MAX_RECORD_PAYLOAD_BYTES
from sync.server.limits import PUSH_BODY_LIMIT, WEBHOOK_BODY_LIMIT
from sync.server.tables import payments
from tests.server.records import outcomes, payment

MB = 1024 * 1024
STATUS = Path("/proc/self/status")


def _peak_rss_mb() -> float:
    """The test process's peak resident memory (the server runs in a thread of it)."""
    for line in STATUS.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def _reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # "5" resets VmHWM to the current RSS


def _stream(total_bytes: int, piece: bytes = b"x" * 65536) -> Iterator[bytes]:
    """A chunked body that is never held whole by the sender either."""
    for _ in range(total_bytes // len(piece)):
        yield piece


def _post_streamed(url: str, total_bytes: int, **kwargs) -> int | None:
    """The status, or None when the server closed the connection before the sender finished
    (it may, after answering 413: either way the body was not taken)."""
    try:
        return requests.post(url, data=_stream(total_bytes), timeout=60, **kwargs).status_code
    except requests.ConnectionError:
        return None


def _status_of_declared_body(port: int, path: str, length: int) -> int:
    """Send only the headers of a request announcing `length` bytes; read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
        )
        status_line = conn.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_a_webhook_announcing_200_mb_is_refused_before_its_body_is_sent(server):
    for path in ("/v1/webhooks/stripe", "/v1/webhooks/nmi"):
        assert _status_of_declared_body(server.port, path, 200 * MB) == 413


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux /proc needed")
def test_three_unsigned_50_mb_webhook_posts_leave_the_servers_memory_alone(server):
    _reset_peak_rss()
    before = _peak_rss_mb()
    statuses = [
        _post_streamed(f"{server.url}/v1/webhooks/{gateway}", 50 * MB)
        for gateway in ("stripe", "nmi", "stripe")
    ]
    grown = _peak_rss_mb() - before
    assert grown < 30, f"the server grew by {grown:.0f} MB"
    assert set(statuses) <= {413, None}
    assert 413 in statuses


def test_a_chunked_webhook_just_over_the_limit_is_cut_off_and_a_normal_one_still_answered(server):
    url = f"{server.url}/v1/webhooks/stripe"
    assert _post_streamed(url, WEBHOOK_BODY_LIMIT + 65536) == 413
    small = requests.post(url, data=b'{"id": "evt_1"}', timeout=10)
    assert small.status_code == 400  # unsigned: refused by the signature check, as before
    assert "signature" in small.json()["detail"].lower()


def test_a_registration_with_a_huge_body_is_refused(server):
    answer = requests.post(
        f"{server.url}/v1/terminals/register",
        json={"code": "T01", "terminal_id": str(uuid.uuid4()), "name": "x" * 100_000},
        timeout=10,
    )
    assert answer.status_code == 413


def test_a_terminal_pushing_a_batch_over_the_limit_gets_413_and_nothing_is_stored(server, sample):
    counter = server.register("T01")
    streamed = _post_streamed(
        f"{server.url}/v1/push", PUSH_BODY_LIMIT + MB, headers=dict(counter.session.headers)
    )
    assert streamed in (413, None)
    declared = counter.session.post(
        f"{server.url}/v1/push",
        json={
            "epoch": None,
            "client_time": "2025-04-20T14:00:00+00:00",
            "records": [payment(counter, sample, 1)] * 2,
            "padding": "x" * (PUSH_BODY_LIMIT + 1),
        },
        timeout=60,
    )
    assert declared.status_code == 413
    assert "larger than" in declared.json()["detail"]
    with server.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(payments)) == 0


def test_a_pushed_record_over_the_size_cap_is_rejected_with_the_reason_and_the_rest_stored(
    server, sample
):
    counter = server.register("T01")
    huge = payment(counter, sample, 1, 5000)
    huge["payload"]["notes"] = "n" * (MAX_RECORD_PAYLOAD_BYTES + 1)
    fine = payment(counter, sample, 2, 5000)

    answer = counter.push([huge, fine])

    assert outcomes(answer) == ["rejected", "stored"]
    assert "payload is" in answer["results"][0]["reason"]
    assert f"{MAX_RECORD_PAYLOAD_BYTES:,}" in answer["results"][0]["reason"]
    with server.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(payments)) == 1
