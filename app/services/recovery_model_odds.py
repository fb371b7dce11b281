"""The recovery-optimization model for the engine: a promoted model from the registry, or one
learned from a portfolio's history (for `recovery simulate`), as a per-case odds function."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import median

from app.recovery.cases import HIGH_VALUE_FACTOR, RecoveryCase
from app.recovery.code_tables import DeclineCodes
from app.recovery.history import PastAttempt
from app.recovery.prediction.kinds import KINDS
from app.recovery.prediction.records import FailedPayment
from app.recovery.prediction.recovery_odds import recovery_dataset, recovery_likelihood
from app.recovery.prediction.training import TooLittleData, train_and_judge
from app.services.recovery_models import LoadedModel, ModelRegistry

NO_ODDS = "no promoted recovery model: every case gets the same effort"


@dataclass
class CaseOdds:
    """The recovery model's odds per case, computed once per case (they depend only on the
    failure itself) so that a decision stays within its few milliseconds."""

    estimator: object
    version: str
    _seen: dict[str, float]

    def __call__(self, case: RecoveryCase) -> float:
        found = self._seen.get(case.case_id)
        if found is None:
            found = recovery_likelihood(self.estimator, failed_payment_of(case))
            self._seen[case.case_id] = found
        return found


def odds_of(model: LoadedModel | None) -> CaseOdds | None:
    if model is None or model.kind != "recovery":
        return None
    return CaseOdds(model.estimator, model.version, {})


def promoted_odds(registry: ModelRegistry) -> tuple[CaseOdds | None, str]:
    """The registry's promoted recovery model, or None and why (the engine says so)."""
    try:
        model = registry.load_current("recovery")
    except (OSError, ValueError, KeyError, EOFError) as error:
        return None, f"{NO_ODDS} (the promoted one cannot be read: {error})"
    if model is None:
        return None, NO_ODDS
    return odds_of(model), f"recovery model {model.version}"


def odds_from_history(
    history: Sequence[PastAttempt], codes: DeclineCodes, vips: set[str]
) -> tuple[CaseOdds | None, str]:
    """Learn the odds from past due payments whose first charge failed (recovered: a later
    charge of the same payment went through); promoted only if it beats the prior rate."""
    series: dict[str, list[PastAttempt]] = defaultdict(list)
    for attempt in history:
        series[attempt.series_id].append(attempt)
    amounts: dict[str, list[int]] = defaultdict(list)
    failed: list[list[PastAttempt]] = []
    for attempts in series.values():
        attempts.sort(key=lambda a: a.attempt_number)
        first = attempts[0]
        if first.attempt_number == 1 and not first.approved:
            failed.append(attempts)
            amounts[first.currency].append(first.amount_minor)
    medians = {currency: median(found) for currency, found in amounts.items()}
    rows = []
    for attempts in failed:
        first = attempts[0]
        decline = codes.classify(
            gateway=first.gateway,
            method=first.method,
            network=first.network,
            code=first.code,
            advice_code=first.advice_code,
        )
        high = first.amount_minor >= HIGH_VALUE_FACTOR * medians[first.currency]
        vip = first.consumer_id in vips
        rows.append(
            FailedPayment(
                case_id=first.series_id,
                failed_at=first.attempted_at,
                amount_minor=first.amount_minor,
                method=first.method,
                gateway=first.gateway,
                category=decline.category.value,
                code=first.code,
                advice_code=first.advice_code,
                segment="high_value" if high else "vip" if vip else "standard",
                vip=vip,
                recovered=any(a.approved for a in attempts[1:]),
            )
        )
    kind = KINDS["recovery"]
    try:
        judged = train_and_judge(recovery_dataset(rows), kind.make_estimator, kind.importance)
    except TooLittleData as little:
        return None, f"{NO_ODDS} ({little})"
    if not judged.promoted:
        return None, f"{NO_ODDS} (the one learned from the history was refused: {judged.reason})"
    version = f"history-{judged.rows}"
    return CaseOdds(judged.estimator, version, {}), (
        f"recovery model {version}: held-out AUC {judged.scores.auc:.3f} "
        f"(prior rate {judged.baseline.auc:.3f}) on {judged.held_out_rows} failed payments"
    )


def failed_payment_of(case: RecoveryCase) -> FailedPayment:
    return FailedPayment(
        case_id=case.case_id,
        failed_at=case.failed_at,
        amount_minor=case.amount_minor,
        method=case.method,
        gateway=case.gateway,
        category=case.first_category.value,
        code=case.code,
        advice_code=case.advice_code,
        segment=case.segment,
        vip=case.vip,
        recovered=None,
    )


Odds = Callable[[RecoveryCase], float]
