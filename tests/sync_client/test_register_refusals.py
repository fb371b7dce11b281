"""`tilldesk terminal register` refusals a person reads: plain HTTP without --insecure-http, and
an admin locked out after wrong passwords - a sentence, never a traceback."""

import re

import pytest

from app.db.database import open_database
from app.services.setup import initialise
from cli.main import main
from sync.client.errors import ServerRefused
from sync.client.http import ServerClient
from tests.sync_client.support import ADMIN, ADMIN_PASSWORD


@pytest.fixture
def counter_file(tmp_path):
    path = tmp_path / "T01.sqlite"
    db = open_database(path)
    initialise(db, terminal_code="T01", admin_secret="0000")
    db.close()
    return path


def _register(monkeypatch, counter_file, server_url: str, password: str, *extra: str) -> int:
    monkeypatch.setenv("TILLDESK_ADMIN_USER", ADMIN)
    monkeypatch.setenv("TILLDESK_ADMIN_PASSWORD", password)
    argv = ["terminal", "register", "--server", server_url, "--code", "T01", *extra]
    return main([*argv, "--db", str(counter_file)])


def test_an_http_server_is_refused_until_insecure_http_is_given(
    server, counter_file, monkeypatch, capsys
):
    assert _register(monkeypatch, counter_file, server.url, ADMIN_PASSWORD) == 3
    assert "plain HTTP" in capsys.readouterr().err
    assert _register(monkeypatch, counter_file, server.url, ADMIN_PASSWORD, "--insecure-http") == 0


def test_an_admin_locked_out_is_told_to_wait(server, counter_file, monkeypatch, capsys):
    for n in range(5):
        assert (
            _register(monkeypatch, counter_file, server.url, f"guess-{n}", "--insecure-http") == 3
        )
    capsys.readouterr()

    status = _register(monkeypatch, counter_file, server.url, ADMIN_PASSWORD, "--insecure-http")

    error = capsys.readouterr().err
    assert status == 3
    assert re.search(r"\(429\): Too many failed sign-ins: try again in \d+ s\.", error), error
    assert "Traceback" not in error


def test_a_wrong_admin_password_is_named_as_such_not_as_a_refused_token(
    server, counter_file, monkeypatch, capsys
):
    status = _register(monkeypatch, counter_file, server.url, "not-the-password", "--insecure-http")

    error = capsys.readouterr().err
    assert status == 3
    assert "admin name or password was wrong" in error, error
    assert "token" not in error
    assert _register(monkeypatch, counter_file, server.url, ADMIN_PASSWORD, "--insecure-http") == 0


def test_a_token_the_server_does_not_know_is_still_called_a_refused_token(server) -> None:
    client = ServerClient(server.url, token="not-a-token-the-server-issued")
    try:
        with pytest.raises(ServerRefused, match="refused this terminal's token"):
            client.pull(0, 10)
    finally:
        client.close()
