"""`tilldesk server ...` as an operator runs it: add an admin, load the demo, serve over TLS."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.server.live import free_port
from tests.server.tls import self_signed

TILLDESK = [sys.executable, "-m", "cli.main"]
ROOT = Path(__file__).resolve().parents[2]


def _tilldesk(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TILLDESK, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture
def tls_server(pg_url, tmp_path):
    """`tilldesk server run` with a self-signed certificate, on a free loopback port."""
    cert, key = self_signed(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [
            *TILLDESK,
            "server",
            "run",
            "--db",
            pg_url,
            "--port",
            str(port),
            "--tls-cert",
            str(cert),
            "--tls-key",
            str(key),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{url}/v1/health", verify=str(cert), timeout=2)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(process.stdout.read()) from None
            time.sleep(0.2)
    yield url, cert
    process.terminate()
    process.wait(timeout=30)


def test_an_operator_sets_the_server_up_and_a_counter_pulls_the_demo_over_tls(tls_server, pg_url):
    url, cert = tls_server
    added = _tilldesk(
        "server",
        "add-admin",
        "boss",
        "--db",
        pg_url,
        env={"TILLDESK_ADMIN_PASSWORD": "correct horse"},
    )
    assert added.returncode == 0, added.stderr
    demo = _tilldesk("server", "demo", "--db", pg_url, "--consumers", "30", "--json")
    assert demo.returncode == 0, demo.stderr
    assert json.loads(demo.stdout)["consumers"] == 31  # John Doe and 30 generated
    again = _tilldesk("server", "demo", "--db", pg_url, "--consumers", "30")
    assert (again.returncode, again.stderr.strip()) == (3, "tilldesk: Demo data is already loaded.")

    token = requests.post(
        f"{url}/v1/terminals/register",
        json={"code": "T01", "terminal_id": str(uuid.uuid4())},
        auth=("boss", "correct horse"),
        verify=str(cert),
        timeout=30,
    ).json()["token"]
    confirmed = requests.post(
        f"{url}/v1/terminals/confirm",
        headers={"Authorization": f"Bearer {token}"},
        verify=str(cert),
        timeout=30,
    )
    assert confirmed.status_code == 200, confirmed.text
    changes, cursor = [], 0
    while True:
        page = requests.get(
            f"{url}/v1/pull",
            params={"cursor": cursor, "limit": 50},
            verify=str(cert),
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        changes += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break

    accounts = sorted(c["data"]["account_number"] for c in changes if c["entity"] == "consumer")
    assert accounts == [f"WU-{n}" for n in range(10001, 10032)]
    john = next(c["data"] for c in changes if c["data"].get("account_number") == "WU-10001")
    assert john["name"] == "John Doe"
    invoices = {c["data"]["invoice_number"] for c in changes if c["entity"] == "bill"}
    assert "INV-2025-001234" in invoices
    users = {c["data"]["username"] for c in changes if c["entity"] == "user"}
    assert users == {"jsmith", "mbrown", "rpatel"}


def test_plain_http_is_refused_by_a_tls_server(tls_server):
    url, _ = tls_server
    with pytest.raises(requests.ConnectionError):
        requests.get(url.replace("https", "http") + "/v1/health", timeout=5)


def test_a_new_epoch_from_the_command_line_shows_in_health(tls_server, pg_url):
    url, cert = tls_server
    before = requests.get(f"{url}/v1/health", verify=str(cert), timeout=10).json()["epoch"]

    done = _tilldesk("server", "new-epoch", "--db", pg_url)

    assert done.returncode == 0, done.stderr
    after = requests.get(f"{url}/v1/health", verify=str(cert), timeout=10).json()["epoch"]
    assert after != before and after in done.stdout


def test_a_short_admin_password_is_refused(pg_url):
    refused = _tilldesk(
        "server", "add-admin", "boss", "--db", pg_url, env={"TILLDESK_ADMIN_PASSWORD": "short"}
    )
    assert refused.returncode == 3
    assert "at least 8 characters" in refused.stderr
