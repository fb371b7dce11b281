"""`tilldesk recovery models train|list|show` end to end on a real SQLite recovery database."""

import json

import pytest

from cli.main import main
from tests.models.recovery_history import fill
from tests.recovery.portfolio_files import write_portfolio


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "recovery.db"
    fill(f"sqlite:///{path}", consumers=400)
    return path


def _json(capsys, *argv: str):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_training_promotes_all_three_models_beside_the_database(database, capsys):
    trained = _json(capsys, "recovery", "models", "train", "--db", str(database), "--json")

    assert trained["models"] == str(database.parent / "models")
    assert [(t["kind"], t["promoted"]) for t in trained["trained"]] == [
        ("failure", True),
        ("recovery", True),
        ("churn", True),
    ]
    recovery = trained["trained"][1]["metrics"]
    assert recovery["metrics"]["auc"] > recovery["baseline"]["auc"] + 0.2
    # The decline's category is what the generated history's outcomes follow.
    assert next(iter(recovery["importances"])).startswith("category_")

    listed = _json(capsys, "recovery", "models", "list", "--db", str(database), "--json")
    assert {(v["kind"], v["current"]) for v in listed} == {
        ("failure", True),
        ("recovery", True),
        ("churn", True),
    }
    shown = _json(capsys, "recovery", "models", "show", "churn", "--db", str(database), "--json")
    assert shown["version"] == trained["trained"][2]["version"]
    assert shown["data_window"]["rows"] == 400  # one row per consumer
    assert shown["data_window"]["first"] < shown["data_window"]["last"]


def test_the_text_output_says_promoted_or_refused_with_the_figures(database, tmp_path, capsys):
    models = str(tmp_path / "models")

    assert main(["recovery", "models", "train", "--kind", "churn", "--db", str(database),
                 "--models", models]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "churn model promoted " in out
    assert "held-out ROC AUC" in out and "(baseline 0.500)" in out
    assert "top features (permutation):" in out

    assert main(["recovery", "models", "list", "--models", models]) == 0
    listing = capsys.readouterr().out
    assert listing.splitlines()[0].split()[:3] == ["kind", "version", "current"]
    assert "churn" in listing and "*" in listing

    assert main(["recovery", "models", "show", "churn", "--models", models]) == 0
    shown = capsys.readouterr().out
    assert "(current)" in shown and "logistic regression" in shown and "400 rows" in shown


def test_a_demo_database_is_too_small_to_train_and_says_so(tmp_path, capsys):
    database = str(tmp_path / "demo.db")
    assert main(["recovery", "demo", "--db", database]) == 0
    capsys.readouterr()

    assert main(["recovery", "models", "train", "--db", database]) == 0

    out = capsys.readouterr().out
    for kind in ("failure", "recovery", "churn"):
        assert f"{kind} model not trained - too little data" in out
    assert main(["recovery", "models", "show", "churn", "--db", database]) == 3
    assert "No churn model has been trained" in capsys.readouterr().err


def test_the_failure_model_can_learn_from_a_portfolio_history(tmp_path, capsys):
    portfolio = write_portfolio(tmp_path / "p", cases=60, months_of_history=6)
    database = str(tmp_path / "empty.db")

    trained = _json(capsys, "recovery", "models", "train", "--kind", "failure", "--db", database,
                    "--portfolio", str(portfolio), "--json")  # fmt: skip

    failure = trained["trained"][0]
    assert failure["promoted"], failure["reason"]
    assert failure["metrics"]["data_window"]["first"].startswith("2026-07")


def test_the_engine_can_score_an_open_case_with_the_current_recovery_model(database, capsys):
    from app.db.recovery_migrate import make_recovery_engine
    from app.services.recovery_model_data import RecoveryRecords
    from app.services.recovery_models import ModelRegistry

    _json(capsys, "recovery", "models", "train", "--kind", "recovery", "--db", str(database),
          "--json")  # fmt: skip
    engine = make_recovery_engine(f"sqlite:///{database}")
    cases = RecoveryRecords(engine).cases
    engine.dispose()
    model = ModelRegistry(database.parent / "models").load_current("recovery")

    short = next(c for c in cases if c["category"] == "insufficient_funds")
    fraud = next(c for c in cases if c["category"] == "fraud")

    assert model.recovery_score(short) > model.recovery_score(fraud) + 0.3


def test_due_charges_are_warned_about_riskiest_first(tmp_path, capsys):
    from collections import Counter

    from app.services.recovery_model_data import charges_from_history
    from app.services.recovery_portfolio import read_portfolio

    portfolio = write_portfolio(tmp_path / "p", cases=60, months_of_history=6)
    database = str(tmp_path / "empty.db")
    _json(capsys, "recovery", "models", "train", "--kind", "failure", "--db", database,
          "--portfolio", str(portfolio), "--json")  # fmt: skip
    past = charges_from_history(read_portfolio(portfolio).history)
    failures = Counter(c.consumer_id for c in past if c.failed)
    charges = Counter(c.consumer_id for c in past)
    rate = {c: failures[c] / charges[c] for c in charges}
    risky, steady = max(rate, key=rate.__getitem__), min(rate, key=rate.__getitem__)
    last = max(c.at for c in past)
    due = tmp_path / "due.csv"
    due.write_text(
        "consumer_id,amount_minor,currency,method,due_at\n"
        f"{steady},5000,USD,card,{last.isoformat()}\n{risky},5000,USD,card,{last.isoformat()}\n"
    )
    rows = _json(capsys, "recovery", "models", "warn", str(due), "--db", database,
                 "--portfolio", str(portfolio), "--threshold", "0", "--json")  # fmt: skip
    assert [r["consumer_id"] for r in rows] == [risky, steady]
    assert rows[0]["risk"] > rows[1]["risk"]

    due.write_text("consumer_id,amount_minor,currency,method,due_at\nC1,-5,USD,card,2027-01-05\n")
    assert main(["recovery", "models", "warn", str(due), "--db", database,
                 "--portfolio", str(portfolio)]) == 3  # fmt: skip
    assert "due.csv:2: amount_minor must be a positive" in capsys.readouterr().err
