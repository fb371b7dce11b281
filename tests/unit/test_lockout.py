"""The lockout rule on its own: free tries, growing waits, the cap, a reset, the burst mark."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.lockout import (
    DEFAULT_POLICY,
    FIRST_DELAY,
    FREE_FAILURES,
    MAX_DELAY,
    SignInState,
    is_burst,
    locked_message,
    wait_text,
)

NOW = datetime(2025, 4, 20, 14, 0, tzinfo=UTC)


def fail(times: int) -> SignInState:
    state = SignInState()
    for _ in range(times):
        state = state.failed(NOW)
    return state


def test_a_few_mistyped_pins_never_lock_anyone() -> None:
    state = fail(FREE_FAILURES - 1)
    assert state.wait(NOW) == timedelta(0)


def test_the_fifth_wrong_pin_locks_for_30_seconds_then_the_wait_doubles() -> None:
    waits = [DEFAULT_POLICY.delay_after(n) for n in range(5, 10)]
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]
    assert fail(FREE_FAILURES).wait(NOW) == FIRST_DELAY


def test_the_wait_is_capped_at_fifteen_minutes() -> None:
    assert DEFAULT_POLICY.delay_after(10) == MAX_DELAY
    assert DEFAULT_POLICY.delay_after(10_000) == MAX_DELAY


@given(st.integers(min_value=0, max_value=500))
def test_waits_never_shrink_and_never_pass_the_cap(failures: int) -> None:
    now = DEFAULT_POLICY.delay_after(failures)
    after = DEFAULT_POLICY.delay_after(failures + 1)
    assert now <= after <= MAX_DELAY


@given(st.integers(min_value=0, max_value=50))
def test_a_right_pin_starts_the_count_again(failures: int) -> None:
    assert fail(failures).succeeded() == SignInState()


def test_the_lock_ends_when_its_time_is_up() -> None:
    state = fail(FREE_FAILURES)
    assert state.wait(NOW + timedelta(seconds=29)) == timedelta(seconds=1)
    assert state.wait(NOW + timedelta(seconds=30)) == timedelta(0)


def test_guessing_every_four_digit_pin_takes_months_not_minutes() -> None:
    total = sum((DEFAULT_POLICY.delay_after(n) for n in range(1, 10_001)), timedelta(0))
    assert total > timedelta(days=100)


def test_the_wait_is_said_in_words_rounded_up() -> None:
    assert wait_text(timedelta(seconds=29.2)) == "30 seconds"
    assert wait_text(timedelta(seconds=1)) == "1 second"
    assert wait_text(timedelta(seconds=61)) == "2 minutes"
    assert wait_text(timedelta(minutes=15)) == "15 minutes"
    assert "Try again in 30 seconds." in locked_message(timedelta(seconds=30))


def test_a_burst_alerts_once_when_it_reaches_the_mark() -> None:
    assert [is_burst(n) for n in range(1, 8)] == [False] * 4 + [True, False, False]
