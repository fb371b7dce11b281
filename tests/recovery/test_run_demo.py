"""`recovery demo` then `recovery run --gateway demo --once`: a newcomer sees cases move."""

import json

from cli.main import main


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_demo_portfolio_moves_and_a_second_demo_adds_nothing(tmp_path, capsys) -> None:
    db = str(tmp_path / "recovery.sqlite")
    assert cli(capsys, "recovery", "demo", "--db", db)[0] == 0
    code, out, _ = cli(capsys, "recovery", "demo", "--db", db, "--json")
    assert code == 0 and json.loads(out)["added"] == []
    code, out, err = cli(
        capsys, "recovery", "run", "--db", db, "--gateway", "demo", "--once",
        "--policy", "daily-3", "--json",
    )  # fmt: skip
    assert code == 0, err
    summary = json.loads(out)
    assert summary["visits"] == 8 and summary["attempts"] > 0 and summary["errors"] == []
    _, out, _ = cli(capsys, "recovery", "cases", "--db", db, "--json")
    cases = json.loads(out)
    assert len(cases) == 8
    assert all(c["next_at"] is None or c["status"] == "open" for c in cases)
    _, out, _ = cli(capsys, "recovery", "case", "DEMO-001", "--db", db, "--json")
    kinds = [entry["kind"] for entry in json.loads(out)["timeline"]]
    assert kinds[0] == "intake" and "decision" in kinds


def test_run_without_a_gateway_is_refused(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("TILLDESK_RECOVERY_GATEWAYS", raising=False)
    code, _, err = cli(capsys, "recovery", "run", "--db", str(tmp_path / "r.sqlite"), "--once")
    assert code == 3 and "--gateway" in err


def test_a_trained_model_scores_the_decisions_of_run(tmp_path, capsys) -> None:
    from app.recovery.model import train
    from tests.support.recovery_model import _history, _rows

    model = train(*_rows(_history(consumers=60, months=8))).save(tmp_path / "models")
    db = str(tmp_path / "recovery.sqlite")
    cli(capsys, "recovery", "demo", "--db", db)
    code, _, err = cli(
        capsys, "recovery", "run", "--db", db, "--gateway", "demo", "--once", "--model",
        str(model),
    )  # fmt: skip
    assert code == 0, err
    _, out, _ = cli(capsys, "recovery", "case", "DEMO-001", "--db", db)
    assert "score" in out and "rules only" not in out


def test_a_model_file_that_is_not_there_is_a_clear_error(tmp_path, capsys) -> None:
    db = str(tmp_path / "recovery.sqlite")
    code, _, err = cli(
        capsys, "recovery", "run", "--db", db, "--gateway", "demo", "--once", "--model",
        str(tmp_path / "missing.joblib"),
    )  # fmt: skip
    assert code == 3 and "cannot be used" in err


def test_the_rich_demo_gives_the_screens_a_portfolio_once(tmp_path, capsys) -> None:
    from cli.main import main

    db = str(tmp_path / "recovery.sqlite")
    assert main(["recovery", "demo", "--db", db, "--rich"]) == 0
    assert "Rich demo: 268 cases of 150 consumers" in capsys.readouterr().out
    assert main(["recovery", "demo", "--db", db, "--rich"]) == 0
    assert "Rich demo: already there." in capsys.readouterr().out
