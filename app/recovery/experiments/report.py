"""An experiment's results from its outcomes: per-variant figures, the four tests, pairwise
comparisons with the control (Holm-adjusted), the Bayesian view and the recommendation.

The report is plain data in the shape of `tilldesk experiments results --json` (a contract
for other tools), so the CLI prints it as it is and the screen reads the same keys.

Rates are tested with chi-square; the recovery time in days of recovered outcomes with Welch's
t-test and Mann-Whitney U (and the recovered amount the same way, under "amount").
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean, median
from typing import Any

from app.recovery.experiments import effects, stats
from app.recovery.experiments.recommendation import ArmOutcome, Horizon, recommend


@dataclass(frozen=True)
class ArmSpec:
    name: str
    allocation: float
    control: bool


@dataclass(frozen=True)
class Outcome:
    variant: str
    recovered: bool
    recorded_at: datetime
    days: float | None = None
    amount_minor: int | None = None
    satisfaction: float | None = None
    churned: bool | None = None
    written_off_minor: int = 0  # what the arm's discount forgave on the case


def _mean(values: Sequence[float]) -> float | None:
    return fmean(values) if values else None


def _test(result: stats.TestResult, **extra: Any) -> dict[str, Any]:
    return {"statistic": result.statistic, "p_value": result.p_value, **extra}


class _Arm:
    """One arm's outcomes, split into the samples the tests take."""

    def __init__(self, spec: ArmSpec, outcomes: list[Outcome], assigned: int) -> None:
        self.spec, self.outcomes, self.assigned = spec, outcomes, assigned
        self.n = len(outcomes)
        self.recovered = sum(o.recovered for o in outcomes)
        self.days = [o.days for o in outcomes if o.recovered and o.days is not None]
        self.amounts = [
            float(o.amount_minor) for o in outcomes if o.recovered and o.amount_minor is not None
        ]

    def figures(self) -> dict[str, Any]:
        scores = [o.satisfaction for o in self.outcomes if o.satisfaction is not None]
        churn = [o.churned for o in self.outcomes if o.churned is not None]
        return {
            "name": self.spec.name,
            "control": self.spec.control,
            "allocation": self.spec.allocation,
            "assigned": self.assigned,
            "n": self.n,
            "recovered": self.recovered,
            "rate": self.recovered / self.n if self.n else None,
            "mean_days": _mean(self.days),
            "median_days": median(self.days) if self.days else None,
            "mean_amount_minor": _mean(self.amounts),
            "recovered_amount_minor": int(sum(self.amounts)),
            # A discount arm's cost: recovered + written off = what those cases owed.
            "written_off_minor": sum(o.written_off_minor for o in self.outcomes),
            "satisfaction": _mean(scores),
            "churn_rate": sum(churn) / len(churn) if churn else None,
        }


def _pairwise(arms: list[_Arm], control: _Arm, confidence: float) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for arm in arms:
        if arm is control:
            continue
        difference = effects.rate_difference(
            arm.recovered, arm.n, control.recovered, control.n, confidence
        )
        wald = effects.wald_difference(
            arm.recovered, arm.n, control.recovered, control.n, confidence
        )
        low, high = stats.welch_interval(control.days, arm.days, confidence)
        rate, base = (
            (arm.recovered / arm.n if arm.n else None),
            (control.recovered / control.n if control.n else None),
        )
        rows.append(
            {
                "variant": arm.spec.name,
                "control": control.spec.name,
                "difference": None if difference is None else vars(difference),
                "wald": None if wald is None else vars(wald),
                "relative_lift": (rate - base) / base if rate is not None and base else None,
                "cohens_h": None if rate is None or base is None else effects.cohens_h(rate, base),
                "chi_square": _test(
                    stats.chi_square([control.recovered, arm.recovered], [control.n, arm.n])
                ),
                # Samples in the order (control, variant): U and t are the control's.
                "t_test": _test(
                    stats.welch_t(control.days, arm.days),
                    metric="days",
                    mean_difference=None
                    if not (arm.days and control.days)
                    else fmean(control.days) - fmean(arm.days),
                    ci_low=low,
                    ci_high=high,
                ),
                "mann_whitney": _test(stats.mann_whitney(control.days, arm.days), metric="days"),
                "amount": {
                    "t_test": _test(stats.welch_t(control.amounts, arm.amounts)),
                    "mann_whitney": _test(stats.mann_whitney(control.amounts, arm.amounts)),
                },
            }
        )
    for key in ("chi_square", "t_test", "mann_whitney"):  # one family per test
        adjusted = stats.holm([row[key]["p_value"] for row in rows])
        for row, p in zip(rows, adjusted, strict=True):
            row[key]["p_holm"] = p
    return rows


def _headline(pairwise: list[dict[str, Any]], arms: list[_Arm], key: str) -> dict[str, Any]:
    """The top-level t / U test: control against the challenger with the best rate (the only
    one when there are two variants); p_value is Holm-adjusted over all challengers, which for
    two variants is the raw p-value."""
    if not pairwise:
        return {"statistic": None, "p_value": None}
    rates = {a.spec.name: (a.recovered / a.n if a.n else -1.0) for a in arms}
    row = max(pairwise, key=lambda r: rates[r["variant"]])
    test = row[key]
    return {
        "statistic": test["statistic"],
        "p_value": test["p_holm"],
        "p_value_raw": test["p_value"],
        "metric": "days",
        "variants": [row["control"], row["variant"]],
    }


def _timeline(outcomes: list[Outcome], names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each arm's cumulative recovery rate at the end of every day with outcomes."""
    series: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for outcome in sorted(outcomes, key=lambda o: o.recorded_at):
        day = outcome.recorded_at.date().isoformat()
        counts = tally[outcome.variant]
        counts[0] += 1
        counts[1] += outcome.recovered
        points = series.setdefault(outcome.variant, [])
        point = {"date": day, "n": counts[0], "recovered": counts[1], "rate": counts[1] / counts[0]}
        if points and points[-1]["date"] == day:
            points[-1] = point
        else:
            points.append(point)
    return series


def _arm_outcome(arm: _Arm, prob_best: float | None, row: dict[str, Any] | None) -> ArmOutcome:
    difference = (row or {}).get("difference") or {}
    return ArmOutcome(
        name=arm.spec.name,
        control=arm.spec.control,
        n=arm.n,
        recovered=arm.recovered,
        prob_best=prob_best,
        difference=difference.get("estimate"),
        ci_low=difference.get("low"),
        ci_high=difference.get("high"),
        p_holm=row["chi_square"]["p_holm"] if row else None,
    )


def analyse(
    specs: Sequence[ArmSpec],
    outcomes: Sequence[Outcome],
    assigned: dict[str, int],
    horizon: Horizon,
    now: datetime,
) -> dict[str, Any]:
    by_arm: dict[str, list[Outcome]] = {s.name: [] for s in specs}
    for outcome in outcomes:
        if outcome.variant in by_arm:
            by_arm[outcome.variant].append(outcome)
    arms = [_Arm(s, by_arm[s.name], assigned.get(s.name, 0)) for s in specs]
    control = next(a for a in arms if a.spec.control)
    recovered, trials = [a.recovered for a in arms], [a.n for a in arms]
    best = stats.prob_best(recovered, trials)
    loss = stats.expected_loss(recovered, trials)
    pairwise = _pairwise(arms, control, horizon.confidence)
    variants = [
        a.figures() | {"prob_best": p, "expected_loss": e}
        for a, p, e in zip(arms, best, loss, strict=True)
    ]
    by_name = {row["variant"]: row for row in pairwise}
    advice = recommend(
        [_arm_outcome(a, p, by_name.get(a.spec.name)) for a, p in zip(arms, best, strict=True)],
        horizon,
        now,
    )
    overall = stats.chi_square(recovered, trials)
    return {
        "variants": variants,
        "tests": {
            "chi_square": _test(overall, dof=sum(1 for n in trials if n) - 1),
            "t_test": _headline(pairwise, arms, "t_test"),
            "mann_whitney": _headline(pairwise, arms, "mann_whitney"),
            "bayesian": {
                "prob_best": {a.spec.name: p for a, p in zip(arms, best, strict=True)},
                "expected_loss": {a.spec.name: e for a, e in zip(arms, loss, strict=True)},
                "prior": "beta(1, 1)",
            },
        },
        "pairwise": pairwise,
        "control": control.spec.name,
        "confidence": horizon.confidence,
        "min_sample": horizon.min_sample,
        "early": advice.early,
        "recommended_variant": advice.variant,
        "recommendation": {
            "decision": advice.decision,
            "variant": advice.variant,
            "leader": advice.leader,
            "reasons": advice.reasons,
            "warnings": advice.warnings,
        },
        "timeline": _timeline(list(outcomes), [s.name for s in specs]),
    }
