"""Sign-in lockout: how long a user waits at a terminal after wrong PINs, and when to alert.

A 4-digit PIN has 10,000 values. With a few free tries and then doubling waits capped at 15
minutes, guessing it at one terminal takes months instead of the 18 minutes it took with no
lockout, while a cashier who mistypes twice never notices.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

# A person mistypes a PIN once or twice; five wrong in a row is someone guessing.
FREE_FAILURES = 5
# The first wait is short enough that a flustered cashier can retry within the same customer.
FIRST_DELAY = timedelta(seconds=30)
# Doubling stops here: longer only locks the real user out of a shift without slowing a guesser
# much more (10,000 guesses x 15 minutes is over 100 days).
MAX_DELAY = timedelta(minutes=15)
# A supervisor hears about this many failures within the window, for one user or one terminal.
BURST_FAILURES = 5
BURST_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class LockoutPolicy:
    free_failures: int = FREE_FAILURES
    first_delay: timedelta = FIRST_DELAY
    max_delay: timedelta = MAX_DELAY

    def delay_after(self, failures: int) -> timedelta:
        """The wait imposed by the `failures`-th failure in a row (none before the free ones
        are used up): 30 s, 1 min, 2 min, 4 min ... capped."""
        if failures < self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures, 32)  # 2**32 x 30 s is past any cap
        return min(self.first_delay * (2**doublings), self.max_delay)


DEFAULT_POLICY = LockoutPolicy()


@dataclass(frozen=True)
class SignInState:
    """One user at one terminal: wrong PINs in a row and when they may try again."""

    failures: int = 0
    locked_until: datetime | None = None

    def wait(self, now: datetime) -> timedelta:
        """How long until a sign-in is even checked again (zero: not locked)."""
        if self.locked_until is None or self.locked_until <= now:
            return timedelta(0)
        return self.locked_until - now

    def failed(self, now: datetime, policy: LockoutPolicy = DEFAULT_POLICY) -> "SignInState":
        failures = self.failures + 1
        delay = policy.delay_after(failures)
        return SignInState(failures, now + delay if delay else None)

    def succeeded(self) -> "SignInState":
        return SignInState()


def wait_text(wait: timedelta) -> str:
    """'45 seconds', '2 minutes': rounded up, so a person never retries a moment too early."""
    seconds = max(1, -int(-wait.total_seconds() // 1))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def locked_message(wait: timedelta) -> str:
    return (
        f"Too many wrong PINs: this user is locked on this terminal. "
        f"Try again in {wait_text(wait)}."
    )


def is_burst(recent_failures: int, threshold: int = BURST_FAILURES) -> bool:
    """True exactly when the failures within the window reach the threshold: one alert per
    burst, not one per failure after it."""
    return recent_failures == threshold
