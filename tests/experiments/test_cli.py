"""`tilldesk experiments ...` end to end on a real SQLite file: the JSON shapes are a contract."""

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as st
from sqlalchemy import func, select

from app.db.recovery_tables_experiments import TABLES
from app.recovery.experiments.assignment import choose_variant
from app.services.recovery_database import open_recovery_database
from cli.main import EXIT_RULE, main


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "recovery.sqlite")


def run(capsys: pytest.CaptureFixture, db: str, *argv: str) -> tuple[int, object]:
    code = main(["experiments", argv[0], "--db", db, *argv[1:]])
    out = capsys.readouterr().out
    return code, (json.loads(out, parse_constant=refuse) if out.strip() else None)


def refuse(constant: str) -> None:
    raise AssertionError(f"{constant} is not JSON: it must be printed as null")


def rows(db: str) -> dict[str, int]:
    engine = open_recovery_database(f"sqlite:///{db}")
    with engine.connect() as connection:
        counts = {
            name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for name, t in TABLES.items()
        }
    engine.dispose()
    return counts


def test_create_assign_record_results_follow_the_contract(capsys, db) -> None:
    code, created = run(
        capsys, db, "create", "Retry timing", "--strategy", "retry_timing",
        "--variant", "smart", "--variant", "fixed-8-in-14",
        "--allocation", "0.5,0.5", "--min-sample", "20", "--confidence", "0.95",
    )  # fmt: skip
    assert code == 0 and isinstance(created["id"], int)
    experiment = str(created["id"])
    assert [v["name"] for v in created["variants"]] == ["smart", "fixed-8-in-14"]

    first = [run(capsys, db, "assign", experiment, "C042")[1]["variant"] for _ in range(3)]
    assert len(set(first)) == 1 and first[0] in ("smart", "fixed-8-in-14")
    names, shares = ["smart", "fixed-8-in-14"], [0.5, 0.5]
    assert first[0] == choose_variant(experiment, "C042", names, shares)

    rng = np.random.default_rng(5)
    samples: dict[str, dict[str, list]] = {}
    for number in range(120):
        consumer = f"C{number:03d}"
        # The arm `record` will enrol them in (the hash), to draw an outcome that depends on it.
        variant = choose_variant(experiment, consumer, names, shares)
        recovered = rng.random() < (0.45 if variant == "smart" else 0.7)
        days = round(float(rng.gamma(2.0, 3.0 if variant == "smart" else 2.0)), 2)
        options = ["--days", str(days), "--amount", "25.00"] if recovered else []
        code, recorded = run(capsys, db, "record", experiment, consumer,
                             "--recovered", "yes" if recovered else "no", *options)  # fmt: skip
        assert code == 0 and recorded["variant"] == variant
        arm = samples.setdefault(variant, {"outcomes": [], "days": []})
        arm["outcomes"].append(recovered)
        if recovered:
            arm["days"].append(days)

    code, results = run(capsys, db, "results", experiment)
    assert code == 0
    by_name = {v["name"]: v for v in results["variants"]}
    for name, arm in samples.items():
        assert by_name[name]["n"] == len(arm["outcomes"])
        assert by_name[name]["recovered"] == sum(arm["outcomes"])
        assert by_name[name]["rate"] == pytest.approx(np.mean(arm["outcomes"]), abs=1e-12)
        assert by_name[name]["mean_days"] == pytest.approx(np.mean(arm["days"]), abs=1e-9)

    control, variant = samples["smart"], samples["fixed-8-in-14"]
    table = [
        [sum(a["outcomes"]), len(a["outcomes"]) - sum(a["outcomes"])] for a in (control, variant)
    ]
    chi = st.chi2_contingency(table, correction=False)
    welch = st.ttest_ind(control["days"], variant["days"], equal_var=False)
    u = st.mannwhitneyu(control["days"], variant["days"], alternative="two-sided")
    tests = results["tests"]
    assert tests["chi_square"]["statistic"] == pytest.approx(chi.statistic, abs=1e-9)
    assert tests["chi_square"]["p_value"] == pytest.approx(chi.pvalue, abs=1e-9)
    assert tests["t_test"]["statistic"] == pytest.approx(welch.statistic, abs=1e-9)
    assert tests["t_test"]["p_value"] == pytest.approx(welch.pvalue, abs=1e-9)
    assert tests["mann_whitney"]["statistic"] == pytest.approx(u.statistic, abs=1e-9)
    assert tests["mann_whitney"]["p_value"] == pytest.approx(u.pvalue, abs=1e-9)
    assert sum(tests["bayesian"]["prob_best"].values()) == pytest.approx(1.0, abs=1e-9)
    assert tests["bayesian"]["prob_best"]["fixed-8-in-14"] > 0.9
    assert results["recommended_variant"] == "fixed-8-in-14"
    assert results["recommendation"]["reasons"]


def test_results_before_the_minimum_sample_recommend_nothing_and_say_why(capsys, db) -> None:
    _, created = run(capsys, db, "create", "T", "--strategy", "grace_period",
                     "--variant", "7_days", "--variant", "14_days")  # fmt: skip
    experiment = str(created["id"])
    run(capsys, db, "record", experiment, "C1", "--recovered", "yes", "--days", "2")
    code, results = run(capsys, db, "results", experiment)
    assert code == 0
    assert results["recommended_variant"] is None and results["early"] is True
    assert any("100 outcomes" in w for w in results["recommendation"]["warnings"])
    assert results["tests"]["chi_square"] == {"statistic": None, "p_value": None, "dof": 0}
    assert results["tests"]["t_test"]["p_value"] is None  # null in JSON, never NaN


def test_identical_recovery_times_give_null_tests_not_nan(capsys, db) -> None:
    _, created = run(capsys, db, "create", "T", "--strategy", "notification_timing",
                     "--variant", "now", "--variant", "later", "--min-sample", "1")  # fmt: skip
    experiment = str(created["id"])
    for number in range(12):
        run(capsys, db, "record", experiment, f"C{number}", "--recovered", "yes", "--days", "3")
    code, results = run(capsys, db, "results", experiment)  # parsed with NaN refused
    assert code == 0
    assert results["tests"]["t_test"]["statistic"] is None
    assert results["tests"]["chi_square"]["p_value"] is None  # everyone recovered
    assert results["tests"]["mann_whitney"]["p_value"] == pytest.approx(1.0)
    assert results["recommended_variant"] == "now"  # nothing to choose between: the control


def test_more_than_two_variants_are_compared_with_the_control_with_holm(capsys, db) -> None:
    _, created = run(capsys, db, "create", "Offers", "--strategy", "retention_offers",
                     "--variant", "none", "--variant", "small", "--variant", "large",
                     "--control", "small", "--min-sample", "5")  # fmt: skip
    experiment = str(created["id"])
    for number in range(60):
        run(capsys, db, "record", experiment, f"K{number}", "--recovered",
            "yes" if number % 3 else "no", "--days", str(1 + number % 5))  # fmt: skip
    _, results = run(capsys, db, "results", experiment)
    assert results["control"] == "small"
    pairs = results["pairwise"]
    assert sorted(p["variant"] for p in pairs) == ["large", "none"]
    raw = [p["chi_square"]["p_value"] for p in pairs]
    smaller, larger = sorted(raw)
    assert min(p["chi_square"]["p_holm"] for p in pairs) == pytest.approx(min(1.0, 2 * smaller))
    assert max(p["chi_square"]["p_holm"] for p in pairs) >= larger
    assert results["tests"]["chi_square"]["dof"] == 2


def test_list_show_and_stop(capsys, db) -> None:
    _, created = run(capsys, db, "create", "A", "--strategy", "message_template",
                     "--variant", "plain", "--variant", "friendly", "--by", "maria")  # fmt: skip
    experiment = str(created["id"])
    assert created["created_by"] == "maria"
    _, listed = run(capsys, db, "list")
    assert [(e["id"], e["status"]) for e in listed] == [(created["id"], "running")]
    code, stopped = run(capsys, db, "stop", experiment, "--by", "maria", "--reason", "done")
    assert code == 0 and stopped["status"] == "stopped" and stopped["stopped_by"] == "maria"
    _, shown = run(capsys, db, "show", experiment)
    assert shown["status"] == "stopped" and shown["stop_reason"] == "done"
    assert run(capsys, db, "assign", experiment, "NEW")[0] == EXIT_RULE
    assert run(capsys, db, "stop", experiment)[0] == EXIT_RULE


@pytest.mark.parametrize(
    "bad",
    [
        ["--variant", "only"],
        ["--variant", "a", "--variant", "a"],
        ["--variant", "a", "--variant", "b", "--allocation", "0.5,0.6"],
        ["--variant", "a", "--variant", "b", "--allocation", "0.5,0.3,0.2"],
        ["--variant", "a", "--variant", "b", "--control", "c"],
        ["--variant", "a", "--variant", "b", "--min-sample", "0"],
        ["--variant", "a", "--variant", "b", "--confidence", "0.4"],
        ["--variant", "a", "--variant", "b", "--confidence", "1"],
        ["--variant", "a", "--variant", "b", "--strategy", "discounts"],
    ],
)
def test_bad_designs_are_refused_and_nothing_is_written(capsys, db, bad) -> None:
    strategy = [] if "--strategy" in bad else ["--strategy", "retry_timing"]
    code = main(["experiments", "create", "--db", db, "Bad", *strategy, *bad])
    printed = capsys.readouterr()
    assert code == EXIT_RULE and printed.out == ""
    assert printed.err.startswith("tilldesk: ")  # what to change, in the user's words
    assert set(rows(db).values()) == {0}


def test_bad_outcomes_are_refused_and_nothing_is_written(capsys, db) -> None:
    _, created = run(capsys, db, "create", "T", "--strategy", "retry_amounts",
                     "--variant", "full", "--variant", "half")  # fmt: skip
    experiment = str(created["id"])
    assert (
        run(capsys, db, "record", experiment, "C1", "--recovered", "yes", "--days", "-1")[0]
        == EXIT_RULE
    )
    assert run(capsys, db, "record", "999", "C1", "--recovered", "yes")[0] == EXIT_RULE
    assert rows(db)["experiment_outcomes"] == 0 and rows(db)["experiment_assignments"] == 0


def test_power_gives_the_consumers_needed_per_variant(capsys, db) -> None:
    code, answer = run(capsys, db, "power", "--baseline", "0.5", "--expected", "0.6")
    assert code == 0 and answer["per_variant"] == 388 and answer["achieved_power"] >= 0.8
