"""How a segment's configuration (channels, tone, grace, aggressiveness, offers) steers a case."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from app.recovery.cases import RecoveryCase
from app.recovery.codes import Category
from app.recovery.decisions import Decision, DecisionKind
from app.recovery.links import LinkPolicy
from app.recovery.policies.common import Books, Policy, retry_at, stop

DAY = timedelta(days=1)
# The segment's tone names the voice; the template library knows three tones.
TEMPLATE_TONES = {
    "friendly": "friendly",
    "supportive": "friendly",
    "personal": "professional",
    "firm": "urgent",
}
# Aggressiveness -> (the least time between two charges of the case, how much lower or higher
# the smart policy's least approval likelihood is). The network-rule ledger still has the last
# word: these only ever make retries rarer or let the model try at lower odds.
AGGRESSIVENESS_KNOBS: dict[str, tuple[timedelta, float]] = {
    "gentle": (3 * DAY, 2.0),
    "normal": (timedelta(0), 1.0),  # the policy as it is
    "high": (timedelta(0), 0.5),
}
RETRY_KINDS = (DecisionKind.RETRY_NOW, DecisionKind.RETRY_AT)
PLAN_OFFER = "payment_plan"


@dataclass(frozen=True)
class SegmentRules:
    """An edited segment configuration as the engine, the messenger and the links apply it."""

    segment: str
    version: int
    channels: tuple[str, ...]
    tone: str  # a template tone: friendly | professional | urgent
    grace: timedelta
    max_attempts: int
    spacing: timedelta
    likelihood_factor: float
    offers: frozenset[str] = field(default_factory=frozenset)

    def grace_ends(self, failed_at: datetime) -> datetime:
        return failed_at + self.grace


def rules_from_config(segment: str, version: int, settings: Mapping[str, Any]) -> SegmentRules:
    spacing, factor = AGGRESSIVENESS_KNOBS[settings["retry_aggressiveness"]]
    return SegmentRules(
        segment=segment,
        version=version,
        channels=tuple(settings["channels"]),
        tone=TEMPLATE_TONES[settings["tone"]],
        grace=timedelta(days=int(settings["grace_period_days"])),
        max_attempts=int(settings["max_retries"]),
        spacing=spacing,
        likelihood_factor=factor,
        offers=frozenset(settings["offers"]),
    )


def segment_channels(rules: SegmentRules | None, available: Iterable[str]) -> list[str]:
    """The segment's channels in its order, among those available; all of them without rules."""
    have = list(available)
    if rules is None:
        return have
    return [c for c in rules.channels if c in have]


def link_policy(base: LinkPolicy, rules: SegmentRules | None) -> LinkPolicy:
    """Whether the payment page offers a plan: the segment's offers decide, whatever the decline."""
    if rules is None:
        return base
    every = frozenset(c.value for c in Category) | base.plan_categories
    return replace(base, plan_categories=every if PLAN_OFFER in rules.offers else frozenset())


@dataclass
class SegmentPolicy:
    """Any policy, held to a segment's grace period, attempt cap and spacing."""

    inner: Policy
    books: Books
    rules: SegmentRules

    def __post_init__(self) -> None:
        # The smart policy's own knobs: its last-reminder path then runs at the segment's cap.
        if hasattr(self.inner, "max_retries"):
            self.inner.max_retries = min(self.inner.max_retries, self.rules.max_attempts)
        if hasattr(self.inner, "min_likelihood"):
            self.inner.min_likelihood *= self.rules.likelihood_factor

    @property
    def name(self) -> str:
        return self.inner.name

    def decide(self, case: RecoveryCase, now: datetime) -> Decision:
        decision = self.inner.decide(case, now)
        if decision.kind in (DecisionKind.WAIT, DecisionKind.STOP):
            return decision
        tag = f"{self.rules.segment} segment (v{self.rules.version})"
        if decision.kind in RETRY_KINDS:
            if case.retries >= self.rules.max_attempts:
                return stop(case, now, f"{tag}: at most {self.rules.max_attempts} attempts made")
            earliest = self._earliest_charge(case)
            if decision.at < earliest:
                why = f"{decision.reason}; {tag}: no charge before {earliest:%Y-%m-%d %H:%M}Z"
                return retry_at(self.books, case, earliest, now, why, decision.score)
            return decision
        ends = self.rules.grace_ends(case.failed_at)
        if decision.at < ends:
            why = f"{decision.reason}; {tag}: grace period until {ends:%Y-%m-%d %H:%M}Z"
            return replace(decision, at=ends, reason=why)
        return decision

    def _earliest_charge(self, case: RecoveryCase) -> datetime:
        ends = self.rules.grace_ends(case.failed_at)
        if self.books.attempts.book(case.case_id).fresh_method:
            return ends  # the consumer gave a new method: no extra spacing before trying it
        last = case.last_attempt_at or case.failed_at
        return max(ends, last + self.rules.spacing)

    def message_sent(self, case: RecoveryCase, at: datetime) -> None:
        hook = getattr(self.inner, "message_sent", None)
        if hook is not None:
            hook(case, at)


def with_segment_rules(
    case: RecoveryCase, policy: Policy, books: Books, rules: SegmentRules | None
) -> Policy:
    """The case's policy under its segment's rules; the case reaches only the segment's channels."""
    if rules is None:
        return policy
    case.preferred_channels = tuple(segment_channels(rules, case.preferred_channels))
    return SegmentPolicy(policy, books, rules)
