"""A command that acts as a user needs that user's PIN, as the screens do; wrong PINs count
towards the same lockout."""

import os
import pty
import sqlite3
import subprocess
from pathlib import Path

from tests.e2e.cli import TILLDESK, run


def pin_hash(db: Path, username: str) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT secret_hash FROM users WHERE username = ?", (username,)
        ).fetchone()[0]


def audited(db: Path, action: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT count(*) FROM audit_events WHERE action = ?", (action,)
        ).fetchone()[0]


def test_the_default_admin_needs_a_pin_and_nothing_is_written_without_it(counter: Path) -> None:
    before = pin_hash(counter, "mbrown")
    refused = run(counter, "users", "reset-pin", "mbrown", "--pin", "5678", check=False, pin="")
    assert refused.returncode == 3
    assert "acts as admin and needs their PIN" in refused.stderr
    assert "TILLDESK_PIN" in refused.stderr
    assert pin_hash(counter, "mbrown") == before


def test_a_wrong_pin_is_refused_audited_and_changes_nothing(counter: Path) -> None:
    before = pin_hash(counter, "mbrown")
    refused = run(counter, "users", "reset-pin", "mbrown", "--pin", "5678", check=False, pin="1111")
    assert (refused.returncode, refused.stderr) == (3, "tilldesk: Wrong user name or PIN.\n")
    assert pin_hash(counter, "mbrown") == before
    assert audited(counter, "user.sign_in_failed") == 1
    assert audited(counter, "user.pin_reset") == 0


def test_the_right_pin_lets_the_command_run(counter: Path) -> None:
    done = run(counter, "users", "reset-pin", "mbrown", "--pin", "5678")
    assert done.stdout == "User mbrown (Michael Brown) has a new PIN.\n"
    # mbrown's new PIN gets past the check; then the role rule speaks, not the PIN check
    as_mbrown = run(counter, "users", "list", "--user", "mbrown", check=False, pin="5678")
    assert as_mbrown.returncode == 3 and "may not" in as_mbrown.stderr


def test_a_named_user_proves_it_with_their_own_pin(counter: Path) -> None:
    before = cash_movements(counter)
    cash_in = ("shift", "cash-in", "20", "--reason", "change", "--user", "jsmith")
    as_admins_pin = run(counter, *cash_in, check=False, pin="0000")
    assert (as_admins_pin.returncode, as_admins_pin.stderr) == (
        3,
        "tilldesk: Wrong user name or PIN.\n",
    )
    assert cash_movements(counter) == before
    run(counter, *cash_in)  # jsmith's own PIN, 1234
    assert cash_movements(counter) == before + 1


def cash_movements(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM shift_cash_movements").fetchone()[0]


def test_guessing_through_the_command_line_locks_the_user_out(counter: Path) -> None:
    for guess in ("1111", "2222", "3333", "4444"):
        wrong = run(counter, "users", "list", check=False, pin=guess)
        assert wrong.stderr == "tilldesk: Wrong user name or PIN.\n"
    fifth = run(counter, "users", "list", check=False, pin="5555")
    assert "Try again in 30 seconds." in fifth.stderr
    right = run(counter, "users", "list", check=False)  # the right PIN, while locked
    assert right.returncode == 3
    assert "Too many wrong PINs" in right.stderr and right.stdout == ""


def test_read_only_commands_need_no_pin(counter: Path) -> None:
    assert run(counter, "consumers", "search", "john", pin="").returncode == 0
    assert run(counter, "payments", "list", pin="").returncode == 0
    assert run(counter, "shift", "status", pin="").returncode == 0


def test_at_a_terminal_the_pin_is_asked_for(counter: Path) -> None:
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "TILLDESK_PIN"}
    env["TILLDESK_DB"] = str(counter)
    process = subprocess.Popen(
        [str(TILLDESK), "users", "list", "--user", "admin"],
        stdin=child,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # no controlling terminal: getpass reads the pty on stdin
    )
    os.close(child)
    prompt = b""
    while not prompt.endswith(b"PIN for admin: "):  # typed only once asked: getpass flushes
        prompt += process.stderr.read(1)  # type: ignore[union-attr]
        assert prompt, "no prompt"
    os.write(main, b"0000\n")
    out, err = process.communicate(timeout=120)
    os.close(main)
    assert process.returncode == 0, err
    assert b"mbrown" in out
