"""Where a payment plan stands: each installment Paid / Partly paid / Due / Overdue with its days
late, the plan's overall status, and the milestones reached (half paid, completed)."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

GRACE_DAYS = 3  # an installment this many days overdue counts as missed
BROKEN_AFTER_MISSED = 2  # missed installments that break a plan


class InstallmentState(StrEnum):
    PAID = "Paid"
    PARTLY_PAID = "Partly paid"
    DUE = "Due"
    OVERDUE = "Overdue"
    CANCELLED = "Cancelled"  # the plan was cancelled before it was paid: no longer due


class PlanState(StrEnum):
    PENDING = "Awaiting server"  # made at this counter offline: the server has not taken it yet
    ON_TRACK = "On track"
    BEHIND = "Behind"  # one installment missed
    BROKEN = "Broken"  # BROKEN_AFTER_MISSED or more missed: a disconnection review
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


class Milestone(StrEnum):
    HALF_PAID = "Half paid"
    COMPLETED = "Completed"


@dataclass(frozen=True)
class InstallmentFacts:
    number: int
    amount_minor: int
    due_date: date
    paid_minor: int  # payments and credit applied
    paid_on: date | None = None  # when it was paid in full, when known


@dataclass(frozen=True)
class InstallmentCompliance:
    number: int
    amount_minor: int
    due_date: date
    paid_minor: int
    state: InstallmentState
    days_late: int  # overdue for so many days; for a paid one, how late it was paid
    missed: bool

    @property
    def outstanding_minor(self) -> int:
        return max(self.amount_minor - self.paid_minor, 0)


@dataclass(frozen=True)
class PlanCompliance:
    state: PlanState
    installments: tuple[InstallmentCompliance, ...]
    milestones: tuple[tuple[Milestone, date | None], ...]

    @property
    def total_minor(self) -> int:
        return sum(i.amount_minor for i in self.installments)

    @property
    def paid_minor(self) -> int:
        return sum(min(i.paid_minor, i.amount_minor) for i in self.installments)

    @property
    def missed(self) -> tuple[InstallmentCompliance, ...]:
        return tuple(i for i in self.installments if i.missed)

    @property
    def compliant(self) -> bool:
        """A consumer on a compliant plan is not to be disconnected."""
        return self.state in (PlanState.ON_TRACK, PlanState.PENDING)

    @property
    def next_due(self) -> InstallmentCompliance | None:
        done = (InstallmentState.PAID, InstallmentState.CANCELLED)
        return next((i for i in self.installments if i.state not in done), None)


def installment_compliance(facts: InstallmentFacts, today: date) -> InstallmentCompliance:
    owing = facts.amount_minor - facts.paid_minor
    if owing <= 0:
        state = InstallmentState.PAID
        late = max((facts.paid_on - facts.due_date).days, 0) if facts.paid_on else 0
    elif facts.due_date < today:
        state, late = InstallmentState.OVERDUE, (today - facts.due_date).days
    else:
        state = InstallmentState.PARTLY_PAID if facts.paid_minor > 0 else InstallmentState.DUE
        late = 0
    missed = state is InstallmentState.OVERDUE and late > GRACE_DAYS
    return InstallmentCompliance(
        facts.number, facts.amount_minor, facts.due_date, facts.paid_minor, state, late, missed
    )


def plan_compliance(
    facts: Sequence[InstallmentFacts],
    today: date,
    *,
    cancelled: bool = False,
    pending: bool = False,
    payments: Sequence[tuple[date, int]] = (),
) -> PlanCompliance:
    """`payments` are the dated amounts paid on the plan, for the milestones' dates."""
    rows = tuple(installment_compliance(f, today) for f in sorted(facts, key=lambda f: f.number))
    if cancelled:  # nothing unpaid is due, late or missed any more (no reminder, no review)
        rows = tuple(_no_longer_due(r) for r in rows)
    total = sum(r.amount_minor for r in rows)
    paid = sum(min(r.paid_minor, r.amount_minor) for r in rows)
    missed = sum(1 for r in rows if r.missed)
    if cancelled:
        state = PlanState.CANCELLED
    elif rows and all(r.state is InstallmentState.PAID for r in rows):
        state = PlanState.COMPLETED
    elif missed >= BROKEN_AFTER_MISSED:
        state = PlanState.BROKEN
    elif missed:
        state = PlanState.BEHIND
    elif pending:
        state = PlanState.PENDING
    else:
        state = PlanState.ON_TRACK
    return PlanCompliance(state, rows, milestones(total, paid, payments))


def _no_longer_due(row: InstallmentCompliance) -> InstallmentCompliance:
    if row.state is InstallmentState.PAID:
        return row
    return replace(row, state=InstallmentState.CANCELLED, days_late=0, missed=False)


def milestones(
    total_minor: int, paid_minor: int, payments: Sequence[tuple[date, int]] = ()
) -> tuple[tuple[Milestone, date | None], ...]:
    """The milestones reached, each with the day the running total of payments crossed it."""
    reached: list[tuple[Milestone, date | None]] = []
    for milestone, share in ((Milestone.HALF_PAID, 2), (Milestone.COMPLETED, 1)):
        threshold = -(-total_minor // share)  # half of an odd total rounds up
        if total_minor <= 0 or paid_minor < threshold:
            continue
        running, when = 0, None
        for day, amount in sorted(payments):
            running += amount
            if running >= threshold:
                when = day
                break
        reached.append((milestone, when))
    return tuple(reached)
