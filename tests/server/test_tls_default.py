"""TLS by default: `tilldesk server run` serves HTTPS with a certificate it makes on first run
and prints how counters pin it; plain HTTP needs --insecure-http on both ends."""

import hashlib
import os
import re
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.server.live import free_port

TILLDESK = [sys.executable, "-m", "cli.main"]
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningServer:
    process: subprocess.Popen
    port: int
    lines: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _serve(pg_url: str, *options: str) -> RunningServer:
    port = free_port()
    process = subprocess.Popen(
        [*TILLDESK, "server", "run", "--db", pg_url, "--port", str(port), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = RunningServer(process, port)
    reader = threading.Thread(target=lambda: running.lines.extend(process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while "Uvicorn running" not in running.output():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(running.output())
        time.sleep(0.1)
    return running


@pytest.fixture
def default_server(pg_url: str, tmp_path: Path) -> Iterator[tuple[RunningServer, Path]]:
    data = tmp_path / "server-data"
    running = _serve(pg_url, "--data-dir", str(data))
    yield running, data
    running.stop()


def _presented_fingerprint(port: int) -> str:
    der = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(("127.0.0.1", port)))
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def test_server_run_without_flags_serves_https_with_a_generated_certificate(default_server):
    running, data = default_server
    url = f"https://127.0.0.1:{running.port}"
    cert, key = data / "server.crt", data / "server.key"

    assert requests.get(f"{url}/v1/health", verify=str(cert), timeout=10).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{running.port}/v1/health", timeout=10)
    assert key.stat().st_mode & 0o777 == 0o600
    printed = re.search(r"SHA-256 fingerprint: ([0-9A-F:]{95})", running.output())
    assert printed is not None, running.output()
    assert printed.group(1) == _presented_fingerprint(running.port)
    assert f"--fingerprint {printed.group(1)}" in running.output()
    assert "tilldesk terminal register --server https://" in running.output()


def test_the_certificate_made_on_first_run_is_kept_for_the_next(pg_url, tmp_path):
    data = tmp_path / "server-data"
    first = _serve(pg_url, "--data-dir", str(data))
    first.stop()
    fingerprint = _presented_fingerprint  # the second run must present the same certificate
    second = _serve(pg_url, "--data-dir", str(data))
    try:
        assert "Generated a self-signed certificate" in first.output()
        assert "Using the self-signed certificate" in second.output()
        assert fingerprint(second.port) in first.output()
    finally:
        second.stop()


def test_plain_http_needs_insecure_http_on_both_ends_and_status_says_so(pg_url, tmp_path):
    running = _serve(pg_url, "--insecure-http", "--data-dir", str(tmp_path / "data"))
    env = _counter_env(tmp_path)
    server_url = f"http://127.0.0.1:{running.port}"
    try:
        answer = requests.get(f"{server_url}/v1/health", timeout=10)
        assert answer.status_code == 200
        assert "WARNING: serving PLAIN HTTP" in running.output()
        assert not (tmp_path / "data" / "server.crt").exists()
        _add_admin_and_init_counter(pg_url, env)
        register = ["terminal", "register", "--server", server_url, "--code", "T01"]
        refused = _tilldesk(*register, env=env)
        assert refused.returncode != 0 and "plain HTTP" in refused.stderr
        accepted = _tilldesk(*register, "--insecure-http", env=env)
        assert accepted.returncode == 0, accepted.stderr
        synced = _tilldesk("sync", "--once", env=env)  # the stored http:// URL is the choice
        assert synced.returncode == 0, synced.stderr
        status = _tilldesk("sync", "status", env=env)
        assert f"{server_url} (plain HTTP: not encrypted)" in status.stdout
    finally:
        running.stop()


def _tilldesk(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TILLDESK, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def _counter_env(tmp_path: Path) -> dict[str, str]:
    """A headless counter's token store (see tests/e2e_sync/file_keyring.py) and its files."""
    from tests.e2e_sync.file_keyring import headless_keyring_env

    return {
        **headless_keyring_env(tmp_path / "headless"),
        "TILLDESK_DB": str(tmp_path / "counter" / "t01.sqlite"),
        "TILLDESK_ADMIN_USER": "boss",
        "TILLDESK_ADMIN_PASSWORD": "correct horse",
    }


def _add_admin_and_init_counter(pg_url: str, env: dict[str, str]) -> None:
    added = _tilldesk("server", "add-admin", "boss", "--db", pg_url, env=env)
    assert added.returncode == 0, added.stderr
    assert _tilldesk("init", "--terminal", "T01", "--admin-pin", "9999", env=env).returncode == 0


def test_registering_with_an_http_server_is_refused_without_insecure_http(tmp_path):
    done = _tilldesk(
        "terminal", "register", "--server", "http://127.0.0.1:9", "--code", "T01",
        "--db", str(tmp_path / "counter.sqlite"),
        env={"TILLDESK_ADMIN_USER": "admin", "TILLDESK_ADMIN_PASSWORD": "admin-password"},
    )  # fmt: skip
    assert done.returncode != 0
    assert "plain HTTP" in done.stderr
    assert "--insecure-http" in done.stderr
    assert not (tmp_path / "counter.sqlite").exists()  # refused before anything was touched


def test_a_wrong_fingerprint_is_refused_before_any_password_is_sent(default_server, tmp_path):
    running, _ = default_server
    done = _tilldesk(
        "terminal", "register", "--server", f"https://127.0.0.1:{running.port}",
        "--code", "T01", "--fingerprint", "AB:" * 31 + "AB",
        "--db", str(tmp_path / "counter.sqlite"),
        env={"TILLDESK_ADMIN_USER": "admin", "TILLDESK_ADMIN_PASSWORD": "admin-password"},
    )  # fmt: skip
    assert done.returncode != 0
    assert "does not have the fingerprint given" in done.stderr


def test_a_counter_pins_the_generated_certificate_by_fingerprint_and_syncs(
    default_server, pg_url, tmp_path
):
    running, _ = default_server
    fingerprint = re.search(r"SHA-256 fingerprint: (\S+)", running.output()).group(1)
    env = _counter_env(tmp_path)
    _add_admin_and_init_counter(pg_url, env)

    server_url = f"https://127.0.0.1:{running.port}"
    registered = _tilldesk(
        "terminal", "register", "--server", server_url, "--code", "T01",
        "--fingerprint", fingerprint.replace(":", "").lower(),
        env=env,
    )  # fmt: skip
    assert registered.returncode == 0, registered.stderr
    synced = _tilldesk("sync", "--once", env=env)
    assert synced.returncode == 0, synced.stderr
    status = _tilldesk("sync", "status", env=env)
    assert server_url in status.stdout
    assert (tmp_path / "counter" / f"server-127.0.0.1-{running.port}.pem").exists()
