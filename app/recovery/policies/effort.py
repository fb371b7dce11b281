"""How hard the smart policy tries a case, from the recovery model's odds that it is recovered.

A case the model expects to be recovered is worth a try at lower approval odds; one it does
not is tried less (fewer retries, a higher bar) and is offered a payment plan rather than a
last plain reminder, where the product allows paying in parts.
"""

from dataclasses import dataclass

LIKELY = 0.6  # odds at or above: tried at lower approval likelihood
UNLIKELY = 0.25  # odds below: fewer retries, a plan offered
LIKELY_FACTOR = 0.75
UNLIKELY_FACTOR = 1.5
UNLIKELY_RETRIES = 4


@dataclass(frozen=True)
class Effort:
    score: float | None  # the recovery model's odds; None without a model
    threshold_factor: float  # times the policy's least approval likelihood
    max_retries: int | None  # None: the policy's own cap
    plan_first: bool  # the last reminder offers a payment plan
    note: str  # said in the decision's reason


def effort_for(score: float | None, source: str) -> Effort:
    """`source` names the model (or says there is none, when `score` is None)."""
    if score is None:
        return Effort(None, 1.0, None, False, source)
    odds = f"recovery odds {score:.2f} ({source})"
    if score >= LIKELY:
        return Effort(score, LIKELY_FACTOR, None, False, f"{odds}: likely recovered, tried harder")
    if score < UNLIKELY:
        return Effort(
            score,
            UNLIKELY_FACTOR,
            UNLIKELY_RETRIES,
            True,
            f"{odds}: unlikely recovered, at most {UNLIKELY_RETRIES} retries and a plan offered",
        )
    return Effort(score, 1.0, None, False, odds)
