"""The fast decision path (cached candidate calendars, direct tree scoring) decides exactly as
the plain one did: same kinds, times, reasons and model scores to the bit."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

from app.recovery import features
from app.recovery.code_tables import load_decline_codes
from app.recovery.features import AttemptSituation, CandidateTimes, feature_matrix
from app.recovery.history import training_rows
from app.recovery.model import ApprovalModel
from app.recovery.policies import smart
from app.recovery.zones import consumer_zones
from app.services.recovery_portfolio import read_portfolio
from app.services.recovery_setup import build, make_policy
from sync.simulation.portfolio import generate

START = datetime(2027, 1, 4, tzinfo=UTC)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory):
    folder: Path = tmp_path_factory.mktemp("portfolio")
    generate(folder, cases=400, seed=11)
    return read_portfolio(folder)


@pytest.fixture(scope="module")
def model(portfolio) -> ApprovalModel:
    trained = build(portfolio, load_decline_codes(), START).model
    assert trained is not None
    return trained


def _decisions(portfolio, model: ApprovalModel, *, slow: bool, monkeypatch) -> list:
    setup = build(portfolio, load_decline_codes(), START)
    setup.model = replace(model)
    if slow:
        # The code as it was: a list of datetimes, and scikit-learn's own predict_proba.
        monkeypatch.setattr(
            smart, "CandidateTimes", lambda start, step, n: [start + k * step for k in range(n)]
        )
        setup.model._scorer = None
    policy = make_policy("smart", setup)
    decided = []
    for case in setup.cases.values():
        for now in (max(START, case.failed_at), START + timedelta(days=3, hours=5)):
            decided.append(policy.decide(case, now))
            case.planned_at = None
    monkeypatch.undo()
    return decided


def test_fast_and_plain_paths_decide_the_same_on_a_simulated_portfolio(
    portfolio, model, monkeypatch: pytest.MonkeyPatch
):
    features._spaced.clear()
    fast = _decisions(portfolio, model, slow=False, monkeypatch=monkeypatch)
    slow = _decisions(portfolio, model, slow=True, monkeypatch=monkeypatch)
    again = _decisions(portfolio, model, slow=False, monkeypatch=monkeypatch)  # cached
    scored = [d for d in fast if d.score is not None]
    assert len(scored) > 200  # the model was asked for most of them
    assert fast == slow
    assert again == slow


@pytest.mark.parametrize(
    "estimator",
    [
        RandomForestClassifier(n_estimators=40, max_depth=10, min_samples_leaf=10, random_state=7),
        HistGradientBoostingClassifier(max_iter=50, max_leaf_nodes=31, random_state=7),
    ],
    ids=["random_forest", "gradient_boosting"],
)
def test_both_estimators_score_to_the_bit_as_predict_proba(portfolio, estimator):
    setup = build(portfolio, load_decline_codes(), START)
    zones = {c.consumer_id: setup.cases[c.case_id].recipient.zones[0] for c in portfolio.cases}
    rows, outcomes, _ = training_rows(
        portfolio.history, load_decline_codes(), lambda c: zones.get(c, UTC), {}
    )
    model = ApprovalModel(estimator.fit(rows, outcomes), "test", None)  # type: ignore[arg-type]
    assert model._scorer is not None
    probe = np.vstack([rows[:500], rows[-500:] + 0.5])
    assert np.array_equal(model.approval_likelihood(probe), model.reference_likelihood(probe))


@pytest.mark.parametrize(
    "zone", ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe"]
)
def test_candidate_times_give_the_datetime_features_across_clock_changes(zone):
    situation = AttemptSituation(
        amount_minor=12_345,
        method="card",
        network="visa",
        card_type="debit",
        attempt_number=3,
        last_at=datetime(2027, 3, 1, 7, tzinfo=UTC),
        last_category="insufficient_funds",
        code_changed=False,
        instrument_changed=False,
        paydays=(1, 15),
        zone=consumer_zones(zone, "", "US")[0],
    )
    for start in (datetime(2027, 3, 5, 13, tzinfo=UTC), datetime(2027, 10, 20, tzinfo=UTC)):
        spaced = CandidateTimes(start, timedelta(hours=2), 240)
        assert np.array_equal(
            feature_matrix(situation, spaced), feature_matrix(situation, list(spaced))
        )
        assert spaced[-1] == start + 239 * timedelta(hours=2)
        assert spaced[1:3] == [start + timedelta(hours=2), start + timedelta(hours=4)]


def test_candidate_times_answer_as_a_sequence_does():
    # They stood for a list of times: counting or finding one must work as on the list (their
    # length was once stored as `count`, hiding Sequence.count).
    start = datetime(2027, 3, 5, 13, tzinfo=UTC)
    spaced = CandidateTimes(start, timedelta(hours=1), 48)
    noon_next_day = start + timedelta(hours=23)
    assert spaced.count(noon_next_day) == list(spaced).count(noon_next_day) == 1
    assert spaced.count(start - timedelta(hours=1)) == 0
    assert spaced.index(noon_next_day) == 23
    assert len(spaced) == 48
