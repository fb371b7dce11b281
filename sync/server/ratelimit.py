"""Lockout for password sign-ins, and a cap on how many argon2 checks run at once.

Every admin sign-in (HTTP Basic on registration) is counted against the caller's IP address and
the user name it tried. After a few free failures a key is locked for a time that doubles with
each further failure, and a locked key is answered 429 with Retry-After *before* any argon2
work - the right password included, so guessing gains nothing while locked. An attempt counts
as a failure from the moment it starts (undone on success), so a burst of concurrent guesses is
cut off as surely as a sequential one.

The state lives in this process's memory: a restart forgets it, and with several uvicorn
workers each keeps its own (the effective limit is multiplied by the worker count). That is
enough against guessing and flooding; it is not an audit trail. The client IP is the socket's
peer: the server does not trust X-Forwarded-For.

Argon2id with the default parameters takes 64 MiB for each verification; ARGON2_SLOTS bounds
how many run at once so a flood cannot take the server's memory, and a caller that waits more
than ARGON2_WAIT_S for a slot gets 503.
"""

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ARGON2_SLOTS = 2
ARGON2_WAIT_S = 5.0

Clock = Callable[[], float]


@dataclass(frozen=True)
class LockoutPolicy:
    free_failures: int  # failures allowed before the first lock
    first_lock_s: float  # the first lock; each further failure doubles it
    longest_lock_s: float
    forget_after_s: float  # a key quiet this long starts again from zero


USER_POLICY = LockoutPolicy(
    free_failures=5, first_lock_s=30, longest_lock_s=3600, forget_after_s=86400
)
# An office behind one NAT address may hold several admins: a little more room per address.
ADDRESS_POLICY = LockoutPolicy(
    free_failures=10, first_lock_s=30, longest_lock_s=3600, forget_after_s=86400
)
MAX_KEYS = 10_000  # bounds the memory a flood of invented user names can take


class LockedOut(Exception):
    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"Too many failed sign-ins: try again in {math.ceil(retry_after_s)} s.")
        self.retry_after_s = retry_after_s

    @property
    def retry_after(self) -> str:
        """For the Retry-After header: whole seconds, at least 1."""
        return str(max(1, math.ceil(self.retry_after_s)))


class HashingBusy(Exception):
    """Every argon2 slot stayed taken for ARGON2_WAIT_S."""


@dataclass
class _Failures:
    count: int
    last_at: float


class SignInLimiter:
    """Thread-safe: FastAPI runs the sign-in checks on its thread pool."""

    def __init__(
        self,
        *,
        user_policy: LockoutPolicy = USER_POLICY,
        address_policy: LockoutPolicy = ADDRESS_POLICY,
        clock: Clock = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self._policies = {"user": user_policy, "address": address_policy}
        self._clock = clock
        self._max_keys = max_keys
        self._failures: OrderedDict[tuple[str, str], _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def begin(self, address: str, username: str) -> None:
        """Count one attempt as failed, or raise LockedOut (nothing counted) if either key
        is locked. Call succeeded() when the password turns out right."""
        keys = (("address", address), ("user", username))
        with self._lock:
            now = self._clock()
            wait = max(self._locked_for(key, now) for key in keys)
            if wait > 0:
                raise LockedOut(wait)
            for key in keys:
                entry = self._entry(key, now)
                entry.count += 1
                entry.last_at = now

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop(("address", address), None)
            self._failures.pop(("user", username), None)

    def __len__(self) -> int:
        """How many keys are tracked."""
        return len(self._failures)

    def _locked_for(self, key: tuple[str, str], now: float) -> float:
        entry = self._failures.get(key)
        policy = self._policies[key[0]]
        if entry is None or entry.count < policy.free_failures:
            return 0.0
        doublings = entry.count - policy.free_failures
        lock = min(policy.first_lock_s * 2 ** min(doublings, 32), policy.longest_lock_s)
        return max(0.0, entry.last_at + lock - now)

    def _entry(self, key: tuple[str, str], now: float) -> _Failures:
        entry = self._failures.get(key)
        if entry is None or now - entry.last_at > self._policies[key[0]].forget_after_s:
            entry = _Failures(0, now)
            self._failures[key] = entry
        self._failures.move_to_end(key)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)  # the key quiet the longest
        return entry


_argon2_slots = threading.BoundedSemaphore(ARGON2_SLOTS)


@contextmanager
def argon2_slot(timeout_s: float = ARGON2_WAIT_S) -> Iterator[None]:
    """Hold one of the ARGON2_SLOTS while hashing; HashingBusy after timeout_s of waiting."""
    if not _argon2_slots.acquire(timeout=timeout_s):
        raise HashingBusy("The server is busy checking other sign-ins; try again shortly.")
    try:
        yield
    finally:
        _argon2_slots.release()
