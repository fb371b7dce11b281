"""The industry's plain schedules, kept for comparison and as A/B control arms."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.recovery.cases import RecoveryCase
from app.recovery.decisions import Decision
from app.recovery.network_rules import CaseState
from app.recovery.policies.common import (
    Books,
    immediate_retry,
    needs_notice,
    notice,
    retry_at,
    stop,
    wait,
)

DAY = timedelta(days=1)
SCHEDULES = {
    # Stripe's default: 8 tries spread over 2 weeks.
    "fixed-8-in-14": tuple(timedelta(hours=42 * k) for k in range(1, 9)),
    "daily-3": (DAY, 2 * DAY, 3 * DAY),
    # Kill Bill's retry days 8, 8, 8.
    "killbill-8-8-8": (8 * DAY, 16 * DAY, 24 * DAY),
}


@dataclass
class FixedSchedule:
    name: str
    books: Books
    offsets: tuple[timedelta, ...]

    @classmethod
    def named(cls, name: str, books: Books) -> "FixedSchedule":
        return cls(name, books, SCHEDULES[name])

    def decide(self, case: RecoveryCase, now: datetime) -> Decision:
        if self.books.attempts.book(case.case_id).state is not CaseState.OPEN:
            return stop(case, now, "the case is closed")
        fresh = immediate_retry(self.books, case, now)
        if fresh is not None:
            return fresh
        if not case.decline.retriable or self.books.attempts.book(case.case_id).blocked_by:
            # Like Stripe and Recurly: hard declines are never retried on a schedule.
            return wait(case, now, f"{case.decline.description}: no scheduled retry")
        if case.retries >= len(self.offsets):
            return stop(case, now, f"{self.name}: all {len(self.offsets)} retries made")
        wanted = case.failed_at + self.offsets[case.retries]
        reason = f"{self.name}: retry {case.retries + 1} of {len(self.offsets)}"
        if case.method == "upi_autopay" and needs_notice(self.books, case):
            return notice(self.books, case, max(now, wanted - DAY), reason)
        return retry_at(self.books, case, wanted, now, reason)
