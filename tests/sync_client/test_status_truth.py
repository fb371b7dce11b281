"""`tilldesk sync status` and the status bar tell the truth: after the token is gone
(NotRegistered) or a sync crashed, they show the last error and when - never "Online" with no
error. And the next good sync clears it."""

from zoneinfo import ZoneInfo

import pytest

from app.services.sync_status import status_line, sync_status
from sync.client.errors import NotRegistered
from sync.client.http import ServerClient
from sync.client.runner import SyncRunner, default_client, sync_once
from sync.client.state import Connection


class PullBreaks(ServerClient):
    """The real client, whose pull meets a bug in this build."""

    def parse_pull(self, body: bytes):  # type: ignore[no-untyped-def]
        raise RuntimeError("page decoder fell over")


def breaking_client(connection: Connection, token: str) -> ServerClient:
    return PullBreaks(connection.server_url, token=token, ca_file=connection.ca_file)


def test_a_lost_token_is_shown_as_the_last_error_not_as_online(counters, memory_keyring, capsys):
    from cli.main import main

    t01 = counters("T01")
    assert sync_status(t01.read()).online
    memory_keyring.secrets.clear()  # the keyring was reset

    with pytest.raises(NotRegistered):
        sync_once(t01)

    status = sync_status(t01.read())
    assert not status.online
    assert status.last_error_kind == "not_registered" and status.last_error_at is not None
    assert "register the terminal again" in status.last_error
    assert main(["sync", "status", "--db", str(t01.path)]) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert first.startswith("Sync failed at ") and "register the terminal again" in first
    assert any(line.startswith("Last error at") for line in rest)


def test_a_crashed_sync_is_shown_until_a_good_one_follows(counters):
    t01 = counters("T01")
    results = []
    runner = SyncRunner(t01, client_factory=breaking_client, on_result=results.append)

    runner.run_once()  # a bug in the middle of the sync: the loop goes on, the error is kept

    assert isinstance(results[0], RuntimeError)
    status = sync_status(t01.read())
    assert not status.online and status.last_error_kind == "crashed"
    line = status_line(status, ZoneInfo("UTC"))
    assert line.startswith("Sync failed at ")
    assert "last error" in line and "page decoder fell over" in line

    runner.client_factory = default_client
    runner.run_once()
    status = sync_status(t01.read())
    assert status.online and status.last_error is None
    assert status_line(status, ZoneInfo("UTC")).startswith("Online")
