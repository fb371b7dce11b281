"""What an experiment arm changes: a variant's name read as the engine's and messenger's knobs.

Variant names follow the analytics guide's A/B configuration (`delayed_4h`, `reduced_25`,
`7_days`, `aggressive`, `small_discount`...); a few plain spellings are read too (`half`,
`partial_50`, `plan`). A name that says nothing we can apply leaves the case as the control is.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import timedelta

DAY = timedelta(days=1)
UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": DAY}
# The guide's dunning sequences: how often a reminder may follow the last one, and its tone
# (the template library knows friendly, professional and urgent).
DUNNING = {
    "aggressive": (DAY, "urgent"),
    "moderate": (3 * DAY, "professional"),
    "gentle": (7 * DAY, "friendly"),
    "minimal": (14 * DAY, "friendly"),
}
DISCOUNTS = {"no_offer": 0, "small_discount": 10, "medium_discount": 25, "large_discount": 50}
PLAN_WORDS = ("plan", "payment_plan", "installment_plan")
# Partial charges only where the product allows paying in parts: a bill or an installment can
# be paid down; a service is charged whole.
PARTIAL_PRODUCTS = frozenset({"bill", "installment"})


@dataclass(frozen=True)
class ArmKnobs:
    """The knobs of all the arms a consumer is in (one per strategy at most)."""

    retry_delay: timedelta | None = None  # retry_timing: no retry before failure + delay
    amount_share: float = 1.0  # retry_amounts: the share of the case's amount to charge
    notice_delay: timedelta | None = None  # notification_timing: no reminder before then
    grace: timedelta | None = None  # grace_period: nothing at all before failure + grace
    reminder_spacing: timedelta | None = None  # dunning_sequence: the least gap between two
    tone: str | None = None  # dunning_sequence: the reminders' tone
    offer_percent: int = 0  # retention_offers: a discount named in the reminders
    offer_plan: bool = False  # retention_offers: reminders offer a payment plan
    arms: tuple[tuple[str, str], ...] = field(default=())  # (strategy, variant) applied

    @property
    def label(self) -> str:
        return ", ".join(f"{strategy} arm {variant!r}" for strategy, variant in self.arms)


NO_ARMS = ArmKnobs()


def _duration(text: str) -> timedelta | None:
    """'immediate' -> 0; 'delayed_4h', '4h', '30m', 'delayed_1d' -> the span; else None."""
    if text in ("immediate", "now", "none"):
        return timedelta(0)
    found = re.fullmatch(r"(?:delayed?_?|after_?|wait_?)?(\d+)\s*_?(m|min|h|hours?|d|days?)", text)
    if found is None:
        return None
    return int(found.group(1)) * UNITS[found.group(2)[0]]


def _days(text: str) -> timedelta | None:
    """'7_days', '7d', 'grace_7', '7' -> seven days."""
    found = re.fullmatch(r"(?:grace_?)?(\d+)(?:_?d|_?days?)?", text)
    return int(found.group(1)) * DAY if found else None


def _share(text: str) -> float | None:
    """'full_amount' -> 1; 'reduced_25' -> 0.75; 'partial_50', 'percent_50', 'half' -> 0.5."""
    if text in ("full", "full_amount", "control"):
        return 1.0
    if text == "half":
        return 0.5
    reduced = re.fullmatch(r"reduced_?(\d+)", text)
    if reduced:
        return 1 - int(reduced.group(1)) / 100
    part = re.fullmatch(r"(?:partial|percent|share)_?(\d+)", text)
    if part:
        return int(part.group(1)) / 100
    return None


def knobs_of(strategy: str, variant: str, base: ArmKnobs = NO_ARMS) -> ArmKnobs:
    """`base` with one arm's knobs set; an arm whose name we cannot read changes nothing."""
    name = variant.strip().lower().replace("-", "_").replace(" ", "_")
    changed: ArmKnobs | None = None
    if strategy == "retry_timing" and (delay := _duration(name)) is not None:
        changed = replace(base, retry_delay=delay)
    elif strategy == "notification_timing" and (delay := _duration(name)) is not None:
        changed = replace(base, notice_delay=delay)
    elif strategy == "grace_period" and (grace := _days(name)) is not None:
        changed = replace(base, grace=grace)
    elif strategy == "retry_amounts" and (share := _share(name)) is not None:
        if 0 < share <= 1:
            changed = replace(base, amount_share=share)
    elif strategy == "dunning_sequence" and name in DUNNING:
        spacing, tone = DUNNING[name]
        changed = replace(base, reminder_spacing=spacing, tone=tone)
    elif strategy == "retention_offers":
        if name in PLAN_WORDS:
            changed = replace(base, offer_plan=True)
        elif name in DISCOUNTS:
            changed = replace(base, offer_percent=DISCOUNTS[name])
        elif found := re.fullmatch(r"discount_?(\d+)", name):
            changed = replace(base, offer_percent=min(100, int(found.group(1))))
    if changed is None:
        return base
    return replace(changed, arms=(*base.arms, (strategy, variant)))


def knobs_for(arms: dict[str, str]) -> ArmKnobs:
    """All of a consumer's arms ({strategy: variant}) as one set of knobs."""
    knobs = NO_ARMS
    for strategy, variant in sorted(arms.items()):
        knobs = knobs_of(strategy, variant, knobs)
    return knobs


def partial_amount(amount_minor: int, owed_minor: int, share: float, product: str) -> int:
    """What to charge: the arm's share of the case's amount where the product allows paying in
    parts (never more than is owed, never zero); all that is owed otherwise."""
    if share >= 1 or product not in PARTIAL_PRODUCTS:
        return owed_minor
    part = -(-amount_minor * round(share * 10_000) // 10_000)  # rounded up to a minor unit
    return max(1, min(owed_minor, part))
