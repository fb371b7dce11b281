"""`tilldesk recovery train`: a versioned model with its held-out metrics, or a clear refusal."""

import json

from app.recovery.model import ApprovalModel
from cli.main import main
from tests.recovery.portfolio_files import write_portfolio


def test_training_saves_a_versioned_model_with_its_metrics(tmp_path, capsys):
    portfolio = write_portfolio(tmp_path / "p", cases=40, months_of_history=6)

    assert (
        main(
            [
                "recovery",
                "train",
                "--portfolio",
                str(portfolio),
                "--models",
                str(tmp_path / "models"),
                "--json",
            ]
        )
        == 0
    )

    out = json.loads(capsys.readouterr().out)
    model = ApprovalModel.load(tmp_path / "models" / f"approval-{out['version']}.joblib")
    assert model.version == out["version"]
    assert 0.5 < out["metrics"]["auc"] <= 1.0
    assert json.loads((tmp_path / "models" / f"approval-{out['version']}.json").read_text())


def test_too_little_history_trains_nothing_and_says_so(tmp_path, capsys):
    portfolio = write_portfolio(tmp_path / "p", cases=5, months_of_history=1)

    code = main(
        ["recovery", "train", "--portfolio", str(portfolio), "--models", str(tmp_path / "models")]
    )

    assert code == 3
    assert "No model trained: too little history" in capsys.readouterr().err
    assert not (tmp_path / "models").exists()
