"""`tilldesk recovery export` writes the records as CSV and Parquet; read back exactly."""

import csv
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from arro3.core import DataType
from arro3.io import read_parquet

from app.db.recovery_tables import (
    recovery_attempts,
    recovery_cases,
    recovery_decisions,
    recovery_messages,
)
from app.domain.errors import UserFacingError
from app.services.recovery_export import write_rows
from tests.support.recovery_cases import case
from tests.support.recovery_cli import cli

MAY_2 = datetime(2026, 5, 2, 14, 30, tzinfo=UTC)
MAY_9 = datetime(2026, 5, 9, 8, 0, tzinfo=UTC)
UTC_MICROSECONDS = DataType.timestamp("us", tz="UTC")


def read_back(path: Path) -> tuple[dict[str, DataType], list[dict[str, Any]]]:
    """A Parquet file's column types and rows, read by arro3 (Arrow's Rust Parquet reader)."""
    assert path.read_bytes()[:4] == b"PAR1" and path.read_bytes()[-4:] == b"PAR1"
    table = read_parquet(path).read_all()
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    return types, table.to_struct_array().to_pylist()


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

    types, rows = read_back(out)
    assert (types["amount_minor"], types["approved"], types["code"]) == (
        DataType.int64(), DataType.bool(), DataType.string(),
    )  # fmt: skip
    assert types["at"] == UTC_MICROSECONDS and types["at"].tz == "UTC"
    assert [(r["case_id"], r["amount_minor"], r["currency"], r["approved"]) for r in rows] == [
        ("K1", 12_345, "USD", False), ("K1", 12_345, "USD", True),
    ]  # fmt: skip
    assert rows[0]["at"] == MAY_2.replace(hour=20) and rows[0]["at"].utcoffset() == timedelta(0)
    assert rows[0]["category"] == "insufficient_funds" and rows[1]["category"] is None


def test_decisions_and_messages_read_back_exactly(recovery_url, recovery_engine, tmp_path, capsys):
    seed(recovery_engine)
    export(capsys, recovery_url, "decisions", "parquet", tmp_path / "d.parquet")
    export(capsys, recovery_url, "messages", "csv", tmp_path / "m.csv")

    types, [decision] = read_back(tmp_path / "d.parquet")
    assert (types["score"], types["act_at"]) == (DataType.float64(), UTC_MICROSECONDS)
    assert decision["channel"] is None
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
    assert [row["id"] for row in read_back(out)[1]] == ["K2"]
    export(capsys, recovery_url, "attempts", "csv", tmp_path / "a.csv", "--to", "2026-05-08")
    with (tmp_path / "a.csv").open(newline="") as file:
        assert [r["idempotency_key"] for r in csv.DictReader(file)] == ["K1-1"]
    export(capsys, recovery_url, "messages", "parquet", tmp_path / "m.parquet", *span)
    types, rows = read_back(tmp_path / "m.parquet")  # nothing that week: the columns all the same
    assert rows == [] and list(types)[:3] == ["id", "case_id", "consumer_id"]
    assert (types["at"], types["urgent"]) == (UTC_MICROSECONDS, DataType.bool())


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

    rows = read_back(tmp_path / "r.parquet")[1]
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


EVERY_KIND = ["name", "count", "share", "done", "at"]
KINDS = ["string", "int64", "float64", "bool", "timestamp"]


def test_batches_stream_into_one_file_with_nulls_of_every_kind_and_times_in_utc(tmp_path):
    india = timezone(timedelta(hours=5, minutes=30))
    batches = iter([
        [["Zoë", 2**53 + 1, 0.1, True, datetime(2026, 5, 2, 20, 0, tzinfo=india)]],
        [],
        [[None, None, None, None, None], ["b", -7, 1e300, False, datetime(2026, 5, 2, 14, 30)]],
    ])  # fmt: skip
    out = tmp_path / "mixed.parquet"
    assert write_rows(out, "parquet", EVERY_KIND, KINDS, batches) == 3

    types, rows = read_back(out)
    assert types == {
        "name": DataType.string(), "count": DataType.int64(), "share": DataType.float64(),
        "done": DataType.bool(), "at": UTC_MICROSECONDS,
    }  # fmt: skip
    assert [list(row.values()) for row in rows] == [
        ["Zoë", 2**53 + 1, 0.1, True, datetime(2026, 5, 2, 14, 30, tzinfo=UTC)],
        [None, None, None, None, None],
        ["b", -7, 1e300, False, MAY_2],  # a time without a zone is taken as UTC
    ]
    assert rows[0]["at"].utcoffset() == timedelta(0)


def test_a_failure_while_rows_stream_is_raised_as_it_was_and_no_file_is_left(tmp_path):
    def batches():
        yield [["a", 1, 0.5, True, MAY_2]]
        raise UserFacingError("The recovery database went away.")

    out = tmp_path / "broken.parquet"
    with pytest.raises(UserFacingError, match="went away"):
        write_rows(out, "parquet", EVERY_KIND, KINDS, batches())
    with pytest.raises(TypeError):  # a value of the wrong kind: Python's own error, not Rust's
        write_rows(out, "parquet", EVERY_KIND, KINDS, iter([[["a", "1", 0.5, True, MAY_2]]]))
    assert list(tmp_path.iterdir()) == []
