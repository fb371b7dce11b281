"""The recovery queue's priority: value, age, likelihood of recovery and VIP, 0-100."""

from dataclasses import dataclass

VALUE_WEIGHT, AGE_WEIGHT, LIKELIHOOD_WEIGHT, VIP_BONUS = 40.0, 20.0, 30.0, 10.0
AGE_HORIZON_DAYS = 30  # older cases gain no more urgency
BAND_VALUE = {"low": 0.2, "medium": 0.6, "high": 1.0}


@dataclass(frozen=True)
class Priority:
    score: float
    why: str


def priority(value_band: str, age_days: float, probability: float, vip: bool) -> Priority:
    """Higher first: big amounts, older cases, likely recoveries, VIPs."""
    value = VALUE_WEIGHT * BAND_VALUE.get(value_band, 0.2)
    age = AGE_WEIGHT * min(max(age_days, 0.0), AGE_HORIZON_DAYS) / AGE_HORIZON_DAYS
    likely = LIKELIHOOD_WEIGHT * min(max(probability, 0.0), 100.0) / 100.0
    bonus = VIP_BONUS if vip else 0.0
    score = round(value + age + likely + bonus, 1)
    return Priority(
        score,
        f"value {value:.0f} ({value_band}) + age {age:.0f} ({age_days:.0f} d) + likelihood "
        f"{likely:.0f} ({probability:.0f} %)" + (f" + VIP {bonus:.0f}" if vip else ""),
    )
