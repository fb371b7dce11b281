"""`tilldesk recovery webhooks add|list|deliver|log` against a receiver on loopback."""

import io
import json

from sync.outgoing.endpoint_secrets import KEYRING_SERVICE
from tests.integration_api.receiver import documented_signature_ok
from tests.support.recovery_cli import cli


def test_add_deliver_and_read_the_log(recovery_url, memory_keyring, receiver, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("whsec_given_by_the_integrator\n"))
    code, out, err = cli(
        capsys, "recovery", "webhooks", "add", receiver.url, "--events",
        "case.opened,case.recovered", "--secret-from-stdin", "--db", recovery_url, "--json",
    )  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    assert added["events"] == ["case.opened", "case.recovered"] and "secret" not in added
    assert memory_keyring.values[(KEYRING_SERVICE, f"endpoint-{added['id']}")] == (
        "whsec_given_by_the_integrator"
    )

    cli(capsys, "recovery", "demo", "--db", recovery_url)
    code, out, _ = cli(
        capsys, "recovery", "webhooks", "deliver", "--once", "--db", recovery_url, "--json"
    )
    assert code == 0 and json.loads(out)["delivered"] == 8
    assert all(
        documented_signature_ok(
            "whsec_given_by_the_integrator", r.headers["Tilldesk-Signature"], r.body
        )
        for r in receiver.received
    )

    _, out, _ = cli(capsys, "recovery", "webhooks", "log", "--db", recovery_url, "--json")
    log = json.loads(out)
    assert len(log) == 8
    assert {(e["kind"], e["outcome"], e["status_code"], e["attempt"]) for e in log} == {
        ("case.opened", "delivered", 200, 1)
    }
    _, out, _ = cli(capsys, "recovery", "webhooks", "log", "--db", recovery_url)
    assert "case.opened" in out and "delivered" in out and receiver.url in out

    _, out, _ = cli(capsys, "recovery", "webhooks", "list", "--db", recovery_url)
    assert receiver.url in out and "case.opened,case.recovered" in out


def test_a_generated_secret_is_shown_once_and_kept_only_in_the_keyring(
    recovery_url, memory_keyring, capsys
):
    code, out, _ = cli(
        capsys, "recovery", "webhooks", "add", "https://example.com/in", "--events",
        "alert.raised", "--db", recovery_url, "--json",
    )  # fmt: skip
    secret = json.loads(out)["secret"]
    assert code == 0 and secret.startswith("whsec_") and len(secret) > 30
    _, out, _ = cli(capsys, "recovery", "webhooks", "list", "--db", recovery_url, "--json")
    assert secret not in out and json.loads(out)[0]["active"] is True


def test_an_unknown_event_kind_or_a_bad_url_is_refused_and_nothing_is_added(
    recovery_url, memory_keyring, capsys
):
    code, _, err = cli(
        capsys, "recovery", "webhooks", "add", "https://example.com/in", "--events",
        "case.opened,case.lost", "--db", recovery_url,
    )  # fmt: skip
    assert code != 0 and "case.lost" in err and "case.recovered" in err
    code, _, err = cli(
        capsys, "recovery", "webhooks", "add", "ftp://example.com", "--events", "case.opened",
        "--db", recovery_url,
    )  # fmt: skip
    assert code != 0 and "not an http(s) URL" in err
    _, out, _ = cli(capsys, "recovery", "webhooks", "list", "--db", recovery_url, "--json")
    assert json.loads(out) == [] and memory_keyring.values == {}
    assert (
        "No webhook endpoints"
        in cli(capsys, "recovery", "webhooks", "list", "--db", recovery_url)[1]
    )
    assert (
        "No webhook deliveries"
        in cli(capsys, "recovery", "webhooks", "log", "--db", recovery_url)[1]
    )


def test_without_a_safe_keyring_an_endpoint_is_refused(recovery_url, capsys):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code, _, err = cli(
            capsys, "recovery", "webhooks", "add", "https://example.com/in", "--events",
            "case.opened", "--db", recovery_url,
        )  # fmt: skip
    finally:
        keyring.set_keyring(previous)
    assert code != 0 and "keyring" in err
    _, out, _ = cli(capsys, "recovery", "webhooks", "list", "--db", recovery_url, "--json")
    assert json.loads(out) == []
