"""Two-phase registration on the server: a new terminal is pending, its token opens nothing
until the counter confirms with it; an unconfirmed registration expires and is replaced."""

import uuid
from datetime import UTC, datetime, timedelta

import requests

from tests.server.live import LiveServer


def _pull(server, token):
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{server.url}/v1/pull", headers=headers, timeout=30)


def _push(server, token):
    body = {"epoch": None, "client_time": datetime.now(UTC).isoformat(), "records": []}
    headers = {"Authorization": f"Bearer {token}"}
    return requests.post(f"{server.url}/v1/push", json=body, headers=headers, timeout=30)


def _statuses(server):
    with server.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT code, status FROM terminals ORDER BY code").all()
    return [tuple(row) for row in rows]


def test_a_registered_terminal_cannot_push_or_pull_until_it_confirms(server):
    counter = server.register("T01", confirm=False)

    pulled, pushed = _pull(server, counter.token), _push(server, counter.token)

    assert (pulled.status_code, pushed.status_code) == (403, 403)
    assert "registration is not confirmed" in pulled.json()["detail"]
    assert "registration is not confirmed" in pushed.json()["detail"]
    assert _statuses(server) == [("T01", "pending")]


def test_confirming_with_the_token_activates_the_terminal(server):
    counter = server.register("T01", confirm=False)

    confirmed = counter.confirm()

    assert confirmed.status_code == 200
    assert confirmed.json()["code"] == "T01"
    assert _statuses(server) == [("T01", "active")]
    assert _pull(server, counter.token).status_code == 200
    assert _push(server, counter.token).status_code == 200
    assert counter.confirm().status_code == 200  # an answer lost on the way: asked again


def test_confirming_needs_the_token_the_server_handed_out(server):
    server.register("T01", confirm=False)

    no_token = requests.post(f"{server.url}/v1/terminals/confirm", timeout=30)
    wrong = requests.post(
        f"{server.url}/v1/terminals/confirm",
        headers={"Authorization": "Bearer not-the-token"},
        timeout=30,
    )

    assert (no_token.status_code, wrong.status_code) == (401, 401)
    assert _statuses(server) == [("T01", "pending")]


def test_a_new_attempt_with_the_same_code_replaces_an_unconfirmed_one(server):
    failed = server.register("T01", confirm=False)  # its counter's keyring failed

    again = server.register("T01")  # the counter was set up again: a new terminal id

    assert _pull(server, again.token).status_code == 200
    assert _pull(server, failed.token).status_code == 401
    assert failed.confirm().status_code == 401
    assert _statuses(server) == [("T01", "active")]


def test_the_same_counter_registers_again_after_a_failed_attempt(server):
    terminal_id = uuid.uuid4()
    failed = server.register("T01", terminal_id, confirm=False)

    again = server.register("T01", terminal_id)

    assert (_pull(server, failed.token).status_code, _pull(server, again.token).status_code) == (
        401,
        200,
    )


def test_a_confirmed_terminal_keeps_its_code(server):
    server.register("T01")

    answer = requests.post(
        f"{server.url}/v1/terminals/register",
        json={"code": "T01", "terminal_id": str(uuid.uuid4())},
        auth=("admin", "admin-password"),
        timeout=30,
    )

    assert answer.status_code == 409


def test_a_renewed_token_is_pending_until_confirmed_and_the_old_one_stops(server):
    terminal_id = uuid.uuid4()
    old = server.register("T01", terminal_id)

    new = server.register("T01", terminal_id, confirm=False)

    assert (_pull(server, old.token).status_code, _pull(server, new.token).status_code) == (
        401,
        403,
    )
    assert new.confirm().status_code == 200
    assert _pull(server, new.token).status_code == 200


def test_an_unconfirmed_registration_expires_after_an_hour(server_db_url):
    now = [datetime.now(UTC)]
    server = LiveServer(server_db_url, clock=lambda: now[0]).start()
    try:
        late = server.register("T01", confirm=False)
        now[0] += timedelta(minutes=61)

        refused = late.confirm()
        server.register("T02")  # any later registration clears the expired one away

        assert refused.status_code == 401
        assert "expired" in refused.json()["detail"]
        assert _pull(server, late.token).status_code == 401
        assert _statuses(server) == [("T02", "active")]
    finally:
        server.stop()
