"""`tilldesk recovery export` writes the records as CSV and Parquet; read back exactly."""

import csv
import json
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_decisions,
    recovery_messages,
)
from tests.support.recovery_cases import case
from tests.support.recovery_cli import cli

MAY_2 = datetime(2026, 5, 2, 14, 30, tzinfo=UTC)
MAY_9 = datetime(2026, 5, 9, 8, 0, tzinfo=UTC)


def seed(engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            recovery_cases.insert(),
            [case("K1", MAY_2, 12_345, "USD"), case("K2", MAY_9, 99_900, "INR")],
        )
        connection.execute(
            recovery_attempts.insert(),
            [
                {"case_id": "K1", "instrument": "cus_1", "at": MAY_2.replace(hour=20),
                 "amount_minor": 12_345, "approved": False, "code": "insufficient_funds",
                 "merchant_advice_code": "", "category": "insufficient_funds", "state": "done",
                 "idempotency_key": "K1-1"},
                {"case_id": "K1", "instrument": "cus_1", "at": MAY_9, "amount_minor": 12_345,
                 "approved": True, "code": "", "merchant_advice_code": "", "category": None,
                 "state": "done", "idempotency_key": "K1-2"},
            ],
        )  # fmt: skip
        connection.execute(
            recovery_decisions.insert().values(
                case_id="K1", decided_at=MAY_2, policy="smart", kind="retry_at", act_at=MAY_9,
                amount_minor=12_345, reason="payday, Friday", score=0.625, channel=None,
            )
        )  # fmt: skip
        connection.execute(
            recovery_messages.insert().values(
                case_id="K1", consumer_id="C1", at=MAY_2, channel="email",
                template="soft_decline", payment_link=True, urgent=False, accepted=True,
                error=None,
            )
        )  # fmt: skip


def export(capsys, url, what, fmt, out, *extra):
    code, text, err = cli(
        capsys, "recovery", "export", what, "--format", fmt, "--out", str(out), "--db", url,
        "--json", *extra,
    )  # fmt: skip
    assert code == 0, err
    return json.loads(text)


def test_cases_as_csv_keep_money_in_minor_units_with_the_currency(
    recovery_url, recovery_engine, tmp_path, capsys
):
    seed(recovery_engine)
    out = tmp_path / "cases.csv"
    assert export(capsys, recovery_url, "cases", "csv", out)["rows"] == 2

    with out.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["id"], r["amount_minor"], r["recovered_minor"], r["currency"]) for r in rows] == [
        ("K1", "12345", "12345", "USD"), ("K2", "99900", "99900", "INR"),
    ]  # fmt: skip
    assert rows[0]["failed_at"] == "2026-05-02T14:30:00+00:00"
    assert rows[0]["status_reason"] == "" and rows[0]["external_id"] == "pi_K1"


def test_attempts_as_parquet_are_typed(recovery_url, recovery_engine, tmp_path, capsys):
    seed(recovery_engine)
    out = tmp_path / "attempts.parquet"
    export(capsys, recovery_url, "attempts", "parquet", out)

    table = pq.read_table(out)
    assert table.schema.field("amount_minor").type == pa.int64()
    assert table.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("approved").type == pa.bool_()
    rows = table.to_pylist()
    assert [(r["case_id"], r["amount_minor"], r["currency"], r["approved"]) for r in rows] == [
        ("K1", 12_345, "USD", False), ("K1", 12_345, "USD", True),
    ]  # fmt: skip
    assert rows[0]["at"] == MAY_2.replace(hour=20) and rows[1]["category"] is None


def test_decisions_and_messages_read_back_exactly(recovery_url, recovery_engine, tmp_path, capsys):
    seed(recovery_engine)
    export(capsys, recovery_url, "decisions", "parquet", tmp_path / "d.parquet")
    export(capsys, recovery_url, "messages", "csv", tmp_path / "m.csv")

    [decision] = pq.read_table(tmp_path / "d.parquet").to_pylist()
    assert {k: decision[k] for k in ("case_id", "kind", "act_at", "amount_minor", "currency",
                                      "reason", "score")} == {
        "case_id": "K1", "kind": "retry_at", "act_at": MAY_9, "amount_minor": 12_345,
        "currency": "USD", "reason": "payday, Friday", "score": 0.625,
    }  # fmt: skip
    with (tmp_path / "m.csv").open(newline="") as file:
        [message] = list(csv.DictReader(file))
    assert (message["channel"], message["template"], message["payment_link"]) == (
        "email", "soft_decline", "true",
    )  # fmt: skip


def test_from_and_to_are_utc_days_with_both_ends_included(
    recovery_url, recovery_engine, tmp_path, capsys
):
    seed(recovery_engine)
    out = tmp_path / "cases.parquet"
    span = ("--from", "2026-05-09", "--to", "2026-05-09")
    assert export(capsys, recovery_url, "cases", "parquet", out, *span)["rows"] == 1
    assert pq.read_table(out).column("id").to_pylist() == ["K2"]
    export(capsys, recovery_url, "attempts", "csv", tmp_path / "a.csv", "--to", "2026-05-08")
    with (tmp_path / "a.csv").open(newline="") as file:
        assert [r["idempotency_key"] for r in csv.DictReader(file)] == ["K1-1"]
    export(capsys, recovery_url, "messages", "parquet", tmp_path / "m.parquet", *span)
    empty = pq.read_table(tmp_path / "m.parquet")  # nothing that week: the columns all the same
    assert empty.num_rows == 0 and empty.column_names[:3] == ["id", "case_id", "consumer_id"]


def test_a_bad_date_or_folder_is_refused_and_no_file_is_left(
    recovery_url, recovery_engine, tmp_path, capsys
):
    code, _, err = cli(
        capsys, "recovery", "export", "cases", "--format", "csv", "--out",
        str(tmp_path / "x.csv"), "--from", "May 2", "--db", recovery_url,
    )  # fmt: skip
    assert code != 0 and "YYYY-MM-DD" in err and not (tmp_path / "x.csv").exists()
    code, _, err = cli(
        capsys, "recovery", "export", "cases", "--format", "csv", "--out",
        str(tmp_path / "nowhere" / "x.csv"), "--db", recovery_url,
    )  # fmt: skip
    assert code != 0 and "no folder" in err


def test_experiment_results_per_variant_agree_with_the_results_report(
    recovery_url, recovery_engine, tmp_path, capsys
):
    from app.services.experiments import create_experiment, record
    from app.services.experiments_results import experiment_results

    created = create_experiment(
        recovery_engine, name="retry timing", strategy="retry_timing",
        variant_names=["daily-3", "smart"], allocation="0.5,0.5", now=MAY_2, by="manager",
    )  # fmt: skip
    for n in range(40):
        record(recovery_engine, created["id"], f"C{n}", MAY_9, recovered=n % 4 != 0, days=n % 6)
    report = experiment_results(recovery_engine, created["id"], datetime.now(UTC))

    export(capsys, recovery_url, "results", "parquet", tmp_path / "r.parquet")
    export(capsys, recovery_url, "results", "csv", tmp_path / "r.csv", "--from", "2026-05-03")

    rows = pq.read_table(tmp_path / "r.parquet").to_pylist()
    expected = [
        (v["name"], v["n"], v["recovered"], v["rate"], v["prob_best"], v["control"])
        for v in report["variants"]
    ]
    assert [
        (r["variant"], r["n"], r["recovered"], r["rate"], r["prob_best"], r["control"])
        for r in rows
    ] == expected
    assert sum(r["n"] for r in rows) == 40 and rows[0]["experiment"] == "retry timing"
    pair = report["pairwise"][0]
    smart = next(r for r in rows if r["variant"] == pair["variant"])
    assert smart["chi_square_p_holm"] == pair["chi_square"]["p_holm"]
    with (tmp_path / "r.csv").open(newline="") as file:
        assert list(csv.DictReader(file)) == []  # started May 2, before --from
