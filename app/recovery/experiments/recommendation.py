"""What to do with an experiment, and why: a fixed-horizon rule that refuses to call it early.

Looking at the p-value every day and stopping the first time it dips under 5 % finds a
"winner" far more often than 5 % of the time when there is none. So the test has a horizon
fixed in advance - the minimum sample in every arm, and the duration if one was set - and no
variant is recommended before it; until then the report only says who leads.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ArmOutcome:
    name: str
    control: bool
    n: int
    recovered: int
    prob_best: float | None = None
    difference: float | None = None  # rate minus the control's rate
    ci_low: float | None = None
    ci_high: float | None = None
    p_holm: float | None = None  # chi-square against the control, Holm-adjusted

    @property
    def rate(self) -> float | None:
        return self.recovered / self.n if self.n else None


@dataclass(frozen=True)
class Horizon:
    min_sample: int
    confidence: float
    started_at: datetime
    duration_days: int | None = None


@dataclass(frozen=True)
class Recommendation:
    decision: str  # keep_running | adopt | keep_control
    variant: str | None  # None while the test runs to its horizon
    leader: str | None  # the arm most likely best so far, whatever the horizon
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def early(self) -> bool:
        return self.decision == "keep_running"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def horizon_warnings(arms: Sequence[ArmOutcome], horizon: Horizon, now: datetime) -> list[str]:
    """Why it is too early to decide; empty once the fixed horizon is reached."""
    warnings = []
    short = [a for a in arms if a.n < horizon.min_sample]
    if short:
        have = ", ".join(f"{a.name} {a.n}" for a in short)
        warnings.append(
            f"Too early to decide: every variant needs {horizon.min_sample} outcomes "
            f"({have} so far). Stopping at the first significant p-value finds false winners."
        )
    if horizon.duration_days is not None:
        ends = horizon.started_at + timedelta(days=horizon.duration_days)
        if now < ends:
            days = (now - horizon.started_at).days
            warnings.append(
                f"Too early to decide: the test runs {horizon.duration_days} days "
                f"(day {days} now), so every weekday and pay cycle is in it."
            )
    return warnings


def _leader(arms: Sequence[ArmOutcome]) -> ArmOutcome | None:
    scored = [a for a in arms if a.prob_best is not None]
    if scored:
        return max(scored, key=lambda a: a.prob_best or 0.0)
    rated = [a for a in arms if a.rate is not None]
    return max(rated, key=lambda a: a.rate or 0.0) if rated else None


def _evidence(arm: ArmOutcome, control: ArmOutcome) -> str:
    interval = ""
    if arm.ci_low is not None and arm.ci_high is not None:
        interval = f" (CI {arm.ci_low:+.1%} to {arm.ci_high:+.1%})"
    p = "-" if arm.p_holm is None else f"{arm.p_holm:.4g}"
    best = "" if arm.prob_best is None else f", P(best) {arm.prob_best:.1%}"
    difference = 0.0 if arm.difference is None else arm.difference
    return (
        f"{arm.name} recovers {_pct(arm.rate)} against {_pct(control.rate)} for the control "
        f"{control.name}: {difference:+.1%}{interval}, Holm-adjusted p {p}{best}."
    )


def recommend(arms: Sequence[ArmOutcome], horizon: Horizon, now: datetime) -> Recommendation:
    control = next(a for a in arms if a.control)
    leader = _leader(arms)
    leader_name = leader.name if leader else None
    warnings = horizon_warnings(arms, horizon, now)
    if warnings:
        reasons = []
        if leader is not None and leader.prob_best is not None:
            reasons.append(
                f"{leader.name} leads so far (P(best) {leader.prob_best:.1%}), which is not yet "
                "evidence: keep the test running to its horizon."
            )
        return Recommendation("keep_running", None, leader_name, reasons, warnings)
    alpha = 1 - horizon.confidence
    challengers = [a for a in arms if not a.control]
    winners = [
        a
        for a in challengers
        if a.p_holm is not None and a.p_holm < alpha and (a.difference or 0) > 0
    ]
    if winners:
        best = max(winners, key=lambda a: (a.rate or 0.0, a.prob_best or 0.0))
        reasons = [
            _evidence(best, control),
            f"Significant at {horizon.confidence:.0%} after Holm's correction for "
            f"{len(challengers)} comparison(s) with the control: adopt {best.name}.",
        ]
        return Recommendation("adopt", best.name, leader_name, reasons)
    reasons = [_evidence(a, control) for a in challengers if a.n]
    reasons.append(
        f"No variant beats the control {control.name} at {horizon.confidence:.0%} after Holm's "
        "correction: keep the control (the difference, if any, is too small to show)."
    )
    return Recommendation("keep_control", control.name, leader_name, reasons)
