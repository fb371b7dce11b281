"""Admin sign-ins (registration) lock out after repeated failures, and argon2 - 64 MiB a check -
never runs more than ARGON2_SLOTS at once."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from argon2 import PasswordHasher

from sync.server import auth
from sync.server.ratelimit import (
    ARGON2_SLOTS,
    HashingBusy,
    LockedOut,
    LockoutPolicy,
    SignInLimiter,
    argon2_slot,
)
from tests.server.live import ADMIN


def _register(server, auth: tuple[str, str]) -> requests.Response:
    return requests.post(
        f"{server.url}/v1/terminals/register",
        json={"code": "T01", "terminal_id": str(uuid.uuid4()), "name": "Counter T01"},
        auth=auth,
        timeout=60,
    )


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_twenty_wrong_admin_passwords_lock_the_admin_out_even_with_the_right_one(server):
    user = ADMIN[0]
    statuses = [_register(server, (user, f"guess-{n}")) for n in range(20)]

    codes = [answer.status_code for answer in statuses]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429] * 15
    assert int(statuses[-1].headers["Retry-After"]) >= 1
    assert "Too many failed sign-ins" in statuses[-1].json()["detail"]
    right = _register(server, ADMIN)
    assert right.status_code == 429
    assert "Retry-After" in right.headers


def test_a_locked_name_does_not_lock_another_admin_at_the_same_address(server):
    for n in range(5):
        assert _register(server, ("nobody", f"guess-{n}")).status_code == 401
    assert _register(server, ("nobody", "guess-5")).status_code == 429
    assert _register(server, ADMIN).status_code == 200  # the same address, another admin


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux /proc needed")
def test_eight_concurrent_sign_ins_take_the_memory_of_two_argon2_checks_not_eight(
    server, monkeypatch
):
    real = PasswordHasher()  # the suite hashes cheaply (tests/conftest.py): not here
    monkeypatch.setattr(auth, "_hasher", real)
    dummy = real.hash("not anyone's password")
    monkeypatch.setattr(auth, "_dummy_hash", lambda: dummy)
    assert real.memory_cost == 64 * 1024  # KiB: what the 64 MiB a check below stands for
    Path("/proc/self/clear_refs").write_text("5")  # reset this process's peak memory
    before = _peak_rss_mb()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: _register(server, (f"user{n}", "wrong")), range(8)))
    grown = _peak_rss_mb() - before
    assert [a.status_code for a in answers] == [401] * 8
    # 64 MiB for each check running at once; eight at once would be 512 MiB.
    assert grown < 64 * (ARGON2_SLOTS + 1), f"grew by {grown:.0f} MB"


def test_a_sign_in_waiting_too_long_for_an_argon2_slot_is_told_the_server_is_busy():
    release = threading.Event()
    holding = threading.Barrier(ARGON2_SLOTS + 1)

    def hold() -> None:
        with argon2_slot():
            holding.wait()
            release.wait(10)

    holders = [threading.Thread(target=hold) for _ in range(ARGON2_SLOTS)]
    for holder in holders:
        holder.start()
    holding.wait()
    try:
        with pytest.raises(HashingBusy), argon2_slot(timeout_s=0.05):
            pass
    finally:
        release.set()
        for holder in holders:
            holder.join()
    with argon2_slot(timeout_s=1):
        pass  # free again


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


POLICY = LockoutPolicy(free_failures=3, first_lock_s=10, longest_lock_s=60, forget_after_s=600)


def _limiter(clock: FakeClock, **kwargs) -> SignInLimiter:
    return SignInLimiter(user_policy=POLICY, address_policy=POLICY, clock=clock, **kwargs)


def _fail(limiter: SignInLimiter, times: int, user: str = "boss") -> None:
    for _ in range(times):
        limiter.begin("10.0.0.1", user)


def test_the_lock_doubles_with_each_failure_after_it_up_to_the_longest():
    clock = FakeClock()
    limiter = _limiter(clock)
    _fail(limiter, 3)
    waits = []
    for _ in range(4):
        with pytest.raises(LockedOut) as locked:
            limiter.begin("10.0.0.1", "boss")
        waits.append(locked.value.retry_after_s)
        clock.now += locked.value.retry_after_s
        _fail(limiter, 1)
    assert waits == [10, 20, 40, 60]


def test_a_success_clears_the_failures_and_a_quiet_day_forgets_them():
    clock = FakeClock()
    limiter = _limiter(clock)
    _fail(limiter, 2)
    limiter.succeeded("10.0.0.1", "boss")
    _fail(limiter, 2)  # would be 4 failures without the success: no lock
    clock.now += 601
    _fail(limiter, 2)
    limiter.begin("10.0.0.1", "boss")  # 3rd failure since forgetting: still free


def test_a_flood_of_invented_names_keeps_only_the_most_recent_keys():
    clock = FakeClock()
    limiter = _limiter(clock, max_keys=100)
    for n in range(1000):
        limiter.begin(f"10.0.{n // 256}.{n % 256}", f"name{n}")
    assert len(limiter) == 100
