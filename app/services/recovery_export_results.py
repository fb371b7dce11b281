"""Export experiment results, one row per experiment and variant, to CSV or Parquet.

The figures are those of `tilldesk experiments results` (app/services/experiments_results.py):
sample, recovery rate, times, amounts in minor units, the Bayesian probability of being best,
and the Holm-corrected p-values of the variant against the control.
"""

import math
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from app.db.recovery_tables_experiments import recovery_experiments
from app.services.experiments_results import experiment_results
from app.services.recovery_export import Kind, write_rows

STRING: Kind = "string"
INT: Kind = "int64"
FLOAT: Kind = "float64"
BOOL: Kind = "bool"
STAMP: Kind = "timestamp"
COLUMNS = [
    ("experiment_id", INT), ("experiment", STRING), ("strategy", STRING), ("status", STRING),
    ("started_at", STAMP), ("stopped_at", STAMP), ("variant", STRING), ("control", BOOL),
    ("allocation", FLOAT), ("assigned", INT), ("n", INT), ("recovered", INT), ("rate", FLOAT),
    ("mean_days", FLOAT), ("median_days", FLOAT), ("recovered_amount_minor", INT),
    ("satisfaction", FLOAT), ("churn_rate", FLOAT), ("prob_best", FLOAT),
    ("expected_loss", FLOAT), ("chi_square_p_holm", FLOAT), ("t_test_p_holm", FLOAT),
    ("mann_whitney_p_holm", FLOAT), ("recommended", BOOL),
]  # fmt: skip


def export_results(
    engine: Engine,
    fmt: str,
    out: Path,
    first_day: date | None = None,
    last_day: date | None = None,
    now: datetime | None = None,
) -> int:
    """Experiments started within the UTC days given (both ends included); the row count."""
    now = now or datetime.now(UTC)
    e = recovery_experiments.c
    query = select(e.id).order_by(e.id)
    if first_day is not None:
        query = query.where(e.started_at >= datetime.combine(first_day, time(), UTC))
    if last_day is not None:
        end = datetime.combine(last_day + timedelta(days=1), time(), UTC)
        query = query.where(e.started_at < end)
    with engine.connect() as connection:
        ids = list(connection.execute(query).scalars())
    rows = [row for key in ids for row in _rows(experiment_results(engine, key, now))]
    names, types = [n for n, _ in COLUMNS], [t for _, t in COLUMNS]
    return write_rows(out, fmt, names, types, iter([rows]))


def _rows(report: dict[str, Any]) -> list[list[Any]]:
    against_control = {row["variant"]: row for row in report.get("pairwise", [])}
    rows = []
    for variant in report["variants"]:
        pair = against_control.get(variant["name"], {})
        values = {
            "experiment_id": report["id"],
            "experiment": report["name"],
            "strategy": report["strategy"],
            "status": report["status"],
            "started_at": report["started_at"],
            "stopped_at": report["stopped_at"],
            "variant": variant["name"],
            "recommended": report.get("recommended_variant") == variant["name"],
            **{k: variant.get(k) for k in (
                "control", "allocation", "assigned", "n", "recovered", "rate", "mean_days",
                "median_days", "recovered_amount_minor", "satisfaction", "churn_rate",
                "prob_best", "expected_loss",
            )},
            **{f"{test}_p_holm": (pair.get(test) or {}).get("p_holm")
               for test in ("chi_square", "t_test", "mann_whitney")},
        }  # fmt: skip
        rows.append([_finite(values[name]) for name, _ in COLUMNS])
    return rows


def _finite(value: Any) -> Any:
    """NaN (a test over an empty arm) is written as missing, not as a number."""
    return None if isinstance(value, float) and not math.isfinite(value) else value
