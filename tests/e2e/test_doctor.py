"""`tilldesk doctor` says what is broken and what to do, and exits 1 only when something is."""

import json
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db.database import open_database
from app.services.printers import add_printer
from app.services.setup import initialise
from sync.client.tokens import TokenStore
from tests.e2e.cli import run
from tests.e2e_sync.file_keyring import headless_keyring_env


@pytest.fixture
def counter(tmp_path: Path) -> Path:
    path = tmp_path / "counter.sqlite"
    db = open_database(path)
    initialise(db, terminal_code="T01", terminal_name="Counter T01", admin_secret="0000")
    db.close()
    return path


def doctor(db: Path, env: dict[str, str] | None = None) -> tuple[int, dict]:
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        result = run(db, "doctor", "--json", check=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return result.returncode, json.loads(result.stdout)


def by_area(report: dict, area: str) -> list[tuple[str, str]]:
    return [(f["verdict"], f["summary"]) for f in report["findings"] if f["area"] == area]


def test_no_database_is_a_failure_with_the_command_that_fixes_it(tmp_path):
    result = run(tmp_path / "missing.sqlite", "doctor", check=False)
    assert result.returncode == 1
    assert (
        f"[FAIL] database  No counter database at {tmp_path / 'missing.sqlite'}." in result.stdout
    )
    assert "Run 'tilldesk init'" in result.stdout


def test_a_fresh_standalone_counter_is_healthy(counter):
    code, report = doctor(counter)
    assert code == 0
    [intact, schema] = by_area(report, "database")
    assert intact == ("ok", f"{counter} is intact.")
    assert schema[0] == "ok" and schema[1].startswith("Schema is current (")
    assert by_area(report, "server") == [
        ("info", "Standalone counter: not registered with a central server.")
    ]


def test_a_printer_that_does_not_answer_fails_and_one_that_does_is_fine(counter):
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    db = open_database(counter)
    for name, port in (("Front", listening.getsockname()[1]), ("Back", closed.getsockname()[1])):
        add_printer(
            db.unit_of_work(),
            name=name,
            kind="network",
            address=f"127.0.0.1:{port}",
            username="admin",
        )
    db.close()
    try:
        code, report = doctor(counter)
    finally:
        listening.close()
        closed.close()
    assert code == 1
    verdicts = {summary.split("'")[1]: verdict for verdict, summary in by_area(report, "printer")}
    assert verdicts == {"Front": "ok", "Back": "fail"}


class _Health(BaseHTTPRequestHandler):
    ahead = timedelta(minutes=10)

    def do_GET(self) -> None:
        server_time = (datetime.now(UTC) + self.ahead).isoformat()
        health = {"status": "ok", "protocol": 1, "epoch": "e1", "server_time": server_time}
        body = json.dumps(health).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server_ten_minutes_ahead() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _register(counter: Path, url: str, env: dict[str, str], monkeypatch) -> None:
    db = open_database(counter)
    with db.unit_of_work() as uow:
        uow.session.execute(
            text(
                "INSERT INTO sync_state (id, server_url, terminal_code, cursor, failures) "
                "VALUES (1, :url, 'T01', 0, 0)"
            ),
            {"url": url},
        )
        uow.commit()
    db.close()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    TokenStore().save(url, "T01", "a-terminal-token")


def test_a_registered_counter_hears_its_server_and_is_warned_of_a_wrong_clock(
    counter, server_ten_minutes_ahead, tmp_path, monkeypatch
):
    env = headless_keyring_env(tmp_path)
    _register(counter, server_ten_minutes_ahead, env, monkeypatch)
    code, report = doctor(counter, env)
    assert code == 0
    assert by_area(report, "keyring")[0][0] == "ok"
    assert by_area(report, "server") == [
        ("ok", f"{server_ten_minutes_ahead} answers (protocol 1).")
    ]
    [(verdict, summary)] = by_area(report, "clock")
    assert verdict == "warn"
    assert summary.startswith("This machine's clock is 60") or summary.startswith(
        "This machine's clock is 599"
    )
    assert summary.endswith("s behind the server's.")


def test_a_registered_counter_whose_server_is_down_fails(counter, tmp_path, monkeypatch):
    env = headless_keyring_env(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens there afterwards
    _register(counter, url, env, monkeypatch)
    code, report = doctor(counter, env)
    assert code == 1
    [(verdict, summary)] = by_area(report, "server")
    assert verdict == "fail"
    assert summary.startswith(f"{url} did not answer")
