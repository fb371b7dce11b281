"""Segments of a consumer and a case, each with why, and the configuration each segment gets."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.errors import UserFacingError
from app.domain.money import decimal_text

# (medium from, high from) in minor units; a currency not listed uses its cases' median.
VALUE_BANDS: dict[str, tuple[int, int]] = {
    "USD": (10_000, 50_000),
    "EUR": (10_000, 50_000),
    "GBP": (10_000, 40_000),
    "CAD": (12_000, 60_000),
    "AUD": (15_000, 75_000),
    "INR": (500_000, 2_500_000),
    "BRL": (50_000, 250_000),
    "MXN": (200_000, 1_000_000),
}
VIP_PAID_CASES = 3  # a consumer who paid this many high-value cases is treated as VIP

# The seed's examples (analytics-and-optimization-guide.md) plus how recovery treats each.
DEFAULT_CONFIGS: dict[str, dict[str, Any]] = {
    "high_value": {
        "retry_aggressiveness": "high", "max_retries": 4, "channels": ["sms", "whatsapp", "email"],
        "tone": "personal", "grace_period_days": 5, "offers": ["new_method", "call_back"],
        "failure_rate_warning": 0.03, "failure_rate_critical": 0.05,
        "recovery_rate_warning": 0.80, "recovery_rate_critical": 0.70,
        "ab_minimum_sample_size": 50, "ab_test_duration_days": 14,
    },
    "standard": {
        "retry_aggressiveness": "normal", "max_retries": 4, "channels": ["email", "sms"],
        "tone": "friendly", "grace_period_days": 10, "offers": ["new_method"],
        "failure_rate_warning": 0.05, "failure_rate_critical": 0.10,
        "recovery_rate_warning": 0.70, "recovery_rate_critical": 0.50,
        "ab_minimum_sample_size": 100, "ab_test_duration_days": 30,
    },
    "at_risk": {
        "retry_aggressiveness": "gentle", "max_retries": 3, "channels": ["email", "whatsapp"],
        "tone": "supportive", "grace_period_days": 15, "offers": ["payment_plan", "new_method"],
        "failure_rate_warning": 0.08, "failure_rate_critical": 0.15,
        "recovery_rate_warning": 0.60, "recovery_rate_critical": 0.40,
        "ab_minimum_sample_size": 200, "ab_test_duration_days": 45,
    },
}  # fmt: skip
AGGRESSIVENESS = ("gentle", "normal", "high")
CHANNELS = ("email", "sms", "whatsapp", "call")
TONES = ("friendly", "personal", "supportive", "firm")
OFFERS = ("new_method", "payment_plan", "call_back", "discount")


@dataclass(frozen=True)
class Segment:
    dimension: str  # value | history | product | method | risk | vip | config
    value: str
    why: str


@dataclass(frozen=True)
class SegmentFacts:
    amount_minor: int
    currency: str
    product: str
    method: str
    vip_flag: bool
    earlier_cases: int  # the consumer's cases before this one
    paid_cases: int
    high_value_paid: int
    punctuality: float
    bills: int
    high_signals: tuple[str, ...]  # HIGH risk signals
    medium_signals: tuple[str, ...]
    currency_median_minor: int = 0


def value_band(amount_minor: int, currency: str, median_minor: int = 0) -> tuple[str, str]:
    """(low | medium | high, why)."""
    if currency in VALUE_BANDS:
        medium, high = VALUE_BANDS[currency]
        rule = (
            f"{currency} bands: medium from {_text(medium, currency)}, high from "
            f"{_text(high, currency)}"
        )
    else:
        medium, high = max(median_minor, 1) * 2, max(median_minor, 1) * 10
        rule = f"no {currency} bands: 2x / 10x the median case ({_text(median_minor, currency)})"
    band = "high" if amount_minor >= high else "medium" if amount_minor >= medium else "low"
    return band, f"{_text(amount_minor, currency)} {currency}; {rule}"


def _text(minor: int, currency: str) -> str:
    return decimal_text(minor, currency)


def classify(facts: SegmentFacts) -> list[Segment]:
    band, band_why = value_band(facts.amount_minor, facts.currency, facts.currency_median_minor)
    if facts.earlier_cases:
        history = Segment(
            "history", "repeat",
            f"{facts.earlier_cases} earlier case(s), {facts.paid_cases} recovered; punctuality "
            f"{facts.punctuality:.0f} % over {facts.bills} bill(s)",
        )  # fmt: skip
    else:
        history = Segment("history", "first_time", "no earlier recovery case")
    at_risk = bool(facts.high_signals) or len(facts.medium_signals) >= 2
    signals = facts.high_signals + facts.medium_signals  # codes: POOR_CASH_MANAGEMENT
    risk_why = ", ".join(code.replace("_", " ").lower() for code in signals) or "no risk signal"
    vip, vip_why = _vip(facts)
    config = "high_value" if vip or band == "high" else "at_risk" if at_risk else "standard"
    return [
        Segment("value", band, band_why),
        history,
        Segment("product", facts.product or "unknown", f"the case's product is {facts.product}"),
        Segment("method", facts.method, f"paid by {facts.method}"),
        Segment("risk", "at_risk" if at_risk else "normal", risk_why),
        Segment("vip", "vip" if vip else "regular", vip_why),
        Segment("config", config, _config_why(config, vip, band, at_risk)),
    ]


_LABELS = {
    "value": {"low": "Low value", "medium": "Medium value", "high": "High value"},
    "history": {"first_time": "First case", "repeat": "Repeat case"},
    "risk": {"at_risk": "At risk", "normal": "Normal risk"},
    "vip": {"vip": "VIP", "regular": "Regular"},
    "config": {"high_value": "High-value handling", "at_risk": "At-risk handling",
               "standard": "Standard handling"},
}  # fmt: skip


def label(segment: Segment) -> str:
    """How a person reads a segment: 'High value', 'Repeat case', 'Card', 'At-risk handling'."""
    known = _LABELS.get(segment.dimension, {}).get(segment.value)
    return known or segment.value.replace("_", " ").capitalize()


def described(segments: Sequence[Segment]) -> str:
    """Every segment with why: 'High value (amount at or above ...); Repeat case (...)'."""
    return "; ".join(f"{label(s)} ({s.why})" for s in segments)


def _vip(facts: SegmentFacts) -> tuple[bool, str]:
    if facts.vip_flag:
        return True, "flagged VIP on the consumer"
    if facts.high_value_paid >= VIP_PAID_CASES:
        return True, f"VIP by rule: {facts.high_value_paid} high-value cases paid"
    return False, "not flagged, fewer than 3 high-value cases paid"


def _config_why(config: str, vip: bool, band: str, at_risk: bool) -> str:
    if config == "high_value":
        return "VIP" if vip else "high value band"
    return "risk signals" if at_risk else "neither high value nor at risk"


def validated(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """A segment configuration checked field by field; UserFacingError says what is wrong."""
    if name not in DEFAULT_CONFIGS:
        raise UserFacingError(f"Unknown segment {name!r}: choose {', '.join(DEFAULT_CONFIGS)}.")
    unknown = set(settings) - set(DEFAULT_CONFIGS[name])
    if unknown:
        raise UserFacingError(f"Unknown setting(s) {', '.join(sorted(unknown))} for {name}.")
    merged = {**DEFAULT_CONFIGS[name], **settings}
    _choice("retry_aggressiveness", merged["retry_aggressiveness"], AGGRESSIVENESS)
    _choice("tone", merged["tone"], TONES)
    for channel in merged["channels"]:
        _choice("channels", channel, CHANNELS)
    for offer in merged["offers"]:
        _choice("offers", offer, OFFERS)
    for key in (
        "max_retries",
        "grace_period_days",
        "ab_minimum_sample_size",
        "ab_test_duration_days",
    ):
        if not isinstance(merged[key], int) or isinstance(merged[key], bool) or merged[key] < 0:
            raise UserFacingError(f"{key} must be a whole number of 0 or more.")
    if merged["max_retries"] > 4:
        raise UserFacingError("max_retries is at most 4: after 4 attempts a case escalates.")
    for key in (
        "failure_rate_warning",
        "failure_rate_critical",
        "recovery_rate_warning",
        "recovery_rate_critical",
    ):
        if not isinstance(merged[key], int | float) or not 0 <= merged[key] <= 1:
            raise UserFacingError(f"{key} is a share between 0 and 1.")
    return merged


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise UserFacingError(f"{key}: {value!r} is not one of {', '.join(allowed)}.")
