"""`tilldesk recovery run` delivers the outgoing webhooks itself: no separate deliverer needed."""

import io
import json

from tests.support.recovery_cli import cli


def test_the_recovery_service_sends_what_its_cases_publish(
    recovery_url, memory_keyring, receiver, capsys, monkeypatch
):
    monkeypatch.setattr("sys.stdin", io.StringIO("whsec_for_the_service\n"))
    cli(capsys, "recovery", "webhooks", "add", receiver.url, "--events",
        "case.opened", "--secret-from-stdin", "--db", recovery_url)  # fmt: skip
    cli(capsys, "recovery", "demo", "--db", recovery_url)

    code, out, err = cli(
        capsys, "recovery", "run", "--db", recovery_url, "--gateway", "demo", "--once",
        "--model-check-seconds", "0", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["visits"] == 8
    kinds = [json.loads(r.body)["kind"] for r in receiver.received]
    assert kinds == ["case.opened"] * 8
