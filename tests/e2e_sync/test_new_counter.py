"""A new counter becomes ready with init, register and one sync, then takes payments with the
network unplugged - all through the `tilldesk` command, against `tilldesk server run`."""

import json

from tests.support.e2e_sync import tilldesk


def test_init_register_sync_then_pay_offline_and_catch_up(server_process, child_env, tmp_path):
    db = str(tmp_path / "t05.sqlite")
    env = {**child_env, "TILLDESK_DB": db}

    assert tilldesk(env, "init", "--terminal", "T05", "--admin-pin", "9999").returncode == 0
    registered = tilldesk(
        env,
        "terminal",
        "register",
        "--server",
        server_process.url,
        "--code",
        "T05",
        "--insecure-http",
    )
    assert registered.returncode == 0, registered.stderr
    assert "keyring" in registered.stdout
    first = tilldesk(env, "sync", "--once")
    assert first.returncode == 0, first.stderr
    found = tilldesk(env, "consumers", "search", "john", "--json")
    assert "WU-10001" in found.stdout

    server_process.kill()  # the network is unplugged
    env["TILLDESK_PIN"] = "1234"  # jsmith's PIN hash came with the sync: he works at this site
    opened = tilldesk(env, "shift", "open", "--float", "100.00", "--user", "jsmith")
    assert opened.returncode == 0, opened.stderr
    paid = tilldesk(
        env,
        "pay",
        "--account",
        "WU-10001",
        "--type",
        "bill",
        "--item",
        "INV-2025-001234",
        "--method",
        "cash",
        "--amount",
        "145.50",
        "--user",
        "jsmith",
        "--json",
    )
    assert paid.returncode == 0, paid.stderr
    receipt = json.loads(paid.stdout)["receipt_number"]
    offline = tilldesk(env, "sync", "--once")
    assert offline.returncode == 4 and "Nothing was lost" in offline.stderr
    status = json.loads(tilldesk(env, "sync", "status", "--json").stdout)
    assert status["online"] is False and status["pending"] >= 1 and status["offline_since"]

    server_process.start()
    assert tilldesk(env, "sync", "--once").returncode == 0
    status = json.loads(tilldesk(env, "sync", "status", "--json").stdout)
    assert status["online"] is True and status["pending"] == 0
    assert abs(status["clock_skew_seconds"]) < 60
    rows = server_process.query("SELECT receipt_number, amount_minor FROM payments")
    assert [tuple(r) for r in rows] == [(receipt, 14550)]
