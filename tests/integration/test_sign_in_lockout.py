"""The PIN lockout on a real counter file: growing waits per user, audited failures, alerts
for a supervisor, and a lock that outlives a restart of the client."""

import json

import pytest
from sqlalchemy import select

from app.db.audit import verify
from app.db.database import Database, open_database
from app.db.tables import AuditEvent
from app.domain.errors import UserFacingError
from app.services.actors import sign_in
from app.services.sign_in_guard import recent_alerts
from tests.support.clock import FakeClock


def refused(db: Database, username: str, pin: str) -> str:
    with pytest.raises(UserFacingError) as error:
        sign_in(db.unit_of_work(), username, pin)
    return error.value.message


def events(db: Database, action: str) -> list[dict]:
    with db.read() as uow:
        rows = uow.session.scalars(
            select(AuditEvent.after_json)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        )
        return [json.loads(row or "null") for row in rows]


def test_after_five_wrong_pins_even_the_right_one_is_refused_with_the_wait(
    db: Database, clock: FakeClock
) -> None:
    for _ in range(4):
        assert refused(db, "mbrown", "9999") == "Wrong user name or PIN."
    fifth = refused(db, "mbrown", "9999")
    assert "Try again in 30 seconds." in fifth
    assert "Try again in 30 seconds." in refused(db, "mbrown", "2345")
    clock.advance(seconds=30)
    assert sign_in(db.unit_of_work(), "mbrown", "2345").username == "mbrown"


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes(
    db: Database, clock: FakeClock
) -> None:
    waits = []
    for _ in range(11):
        message = refused(db, "mbrown", "9999")
        waits.append(message.rsplit("Try again in ", 1)[-1] if "Try" in message else None)
        clock.advance(minutes=16)  # wait out every lock, then guess again
    assert waits == [None] * 4 + [
        "30 seconds.",
        "1 minute.",
        "2 minutes.",
        "4 minutes.",
        "8 minutes.",
        "15 minutes.",
        "15 minutes.",
    ]


def test_three_hundred_guesses_get_nowhere(db: Database, clock: FakeClock) -> None:
    """The probe's attack: wrong PINs one after another, then the right one."""
    for guess in range(300):
        refused(db, "mbrown", f"{guess:04d}" if guess != 2345 else "0000")
        clock.advance(seconds=1)
    assert "Too many wrong PINs" in refused(db, "mbrown", "2345")


def test_a_right_pin_resets_the_count(db: Database, clock: FakeClock) -> None:
    for _ in range(4):
        refused(db, "jsmith", "9999")
    sign_in(db.unit_of_work(), "jsmith", "1234")
    for _ in range(4):
        assert refused(db, "jsmith", "9999") == "Wrong user name or PIN."


def test_one_users_lock_does_not_lock_another(db: Database) -> None:
    for _ in range(5):
        refused(db, "mbrown", "9999")
    assert sign_in(db.unit_of_work(), "jsmith", "1234").username == "jsmith"


def test_the_lock_survives_a_restart_of_the_client(db: Database, clock: FakeClock) -> None:
    for _ in range(5):
        refused(db, "mbrown", "9999")
    path = db.path
    db.close()
    again = open_database(path, clock)
    try:
        assert "Try again in 30 seconds." in refused(again, "mbrown", "2345")
    finally:
        again.close()


def test_every_failure_is_audited_and_the_chain_holds(db: Database) -> None:
    refused(db, "mbrown", "9999")
    refused(db, "nobody", "1234")
    for _ in range(5):
        refused(db, "rpatel", "0000")
    failed = events(db, "user.sign_in_failed")
    assert [(e["username"], e["reason"]) for e in failed[:2]] == [
        ("mbrown", "wrong_secret"),
        ("nobody", "unknown_user"),
    ]
    assert len(failed) == 7
    assert failed[-1]["locked_seconds"] == 30
    with db.read() as uow:
        assert verify(uow.session).intact


def test_a_burst_of_failures_alerts_a_supervisor_once(db: Database, clock: FakeClock) -> None:
    for _ in range(7):
        refused(db, "mbrown", "9999")
        clock.advance(seconds=31)
    alerts = recent_alerts(db.read())
    assert len(alerts) == 1
    assert alerts[0].subject == "user mbrown"
    assert "5 wrong PINs for user mbrown on terminal T01" in alerts[0].message
    assert events(db, "alert.sign_in_burst")[0]["kind"] == "alert"


def test_many_names_guessed_at_one_terminal_alert_too(db: Database) -> None:
    for name in ("aa", "bb", "cc", "dd", "ee"):
        refused(db, name, "1234")
    assert [a.subject for a in recent_alerts(db.read())] == ["terminal T01"]


def test_failures_spread_over_more_than_ten_minutes_raise_no_alert(
    db: Database, clock: FakeClock
) -> None:
    for _ in range(3):
        refused(db, "mbrown", "9999")
        clock.advance(minutes=6)
    sign_in(db.unit_of_work(), "mbrown", "2345")
    for _ in range(2):
        refused(db, "mbrown", "9999")
    assert recent_alerts(db.read()) == []


def test_guessing_a_supervisors_pin_at_shift_close_locks_them_too(
    db: Database, clock: FakeClock
) -> None:
    from tests.support.shifts import close, mark_everything_sent, pay

    pay(db, tendered="145.50")
    mark_everything_sent(db)
    short = {10000: 3, 2000: 2}  # $5.50 short: a supervisor must approve
    for _ in range(5):
        with pytest.raises(UserFacingError) as wrong:
            close(db, short, supervisor="mbrown", supervisor_pin="9999")
    assert wrong.value.message.startswith("Wrong supervisor user name or PIN.")
    assert "Try again in 30 seconds." in wrong.value.message
    with pytest.raises(UserFacingError, match="Too many wrong PINs"):
        close(db, short, supervisor="mbrown", supervisor_pin="2345")
    assert len(events(db, "user.sign_in_failed")) == 6
    clock.advance(seconds=30)
    assert close(db, short, supervisor="mbrown", supervisor_pin="2345").approved_by
