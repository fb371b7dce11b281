"""An experiment's results, read from the recovery database and analysed by the pure report."""

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from app.db.recovery_tables_discounts import recovery_write_offs as write_offs
from app.db.recovery_tables_experiments import recovery_experiment_assignments as assignments
from app.db.recovery_tables_experiments import recovery_experiment_outcomes as outcomes
from app.recovery.experiments.recommendation import Horizon
from app.recovery.experiments.report import ArmSpec, Outcome, analyse
from app.services.experiments import arms_of, count_by_variant, experiment_row


def experiment_results(engine: Engine, experiment_id: int | str, now: datetime) -> dict[str, Any]:
    """The `results` report: variants, tests, pairwise, recommendation, timeline."""
    with engine.connect() as connection:
        row = experiment_row(connection, experiment_id)
        specs = [
            ArmSpec(a["name"], a["allocation"], a["control"])
            for a in arms_of(connection, row["id"])
        ]
        assigned = count_by_variant(connection, assignments, row["id"])
        query = (
            select(outcomes)
            .where(outcomes.c.experiment_id == row["id"])
            .order_by(outcomes.c.recorded_at, outcomes.c.id)
        )
        forgiven = {
            case_id: int(amount)
            for case_id, amount in connection.execute(
                select(write_offs.c.case_id, write_offs.c.amount_minor).where(
                    write_offs.c.experiment_id == row["id"]
                )
            )
        }
        recorded = [
            Outcome(
                variant=o.variant,
                recovered=o.recovered,
                recorded_at=o.recorded_at,
                days=o.days,
                amount_minor=o.amount_minor,
                satisfaction=o.satisfaction,
                churned=o.churned,
                written_off_minor=forgiven.get(o.case_id, 0) if o.recovered else 0,
            )
            for o in connection.execute(query)
        ]
    horizon = Horizon(row["min_sample"], row["confidence"], row["started_at"], row["duration_days"])
    # A stopped test is judged as it stood when it stopped, not against today's calendar.
    at = row["stopped_at"] or now
    report = analyse(specs, recorded, assigned, horizon, at)
    return {
        "id": row["id"],
        "name": row["name"],
        "strategy": row["strategy"],
        "status": row["status"],
        "started_at": row["started_at"],
        "stopped_at": row["stopped_at"],
    } | report
