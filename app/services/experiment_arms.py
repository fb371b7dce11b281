"""The arms a consumer's cases follow, for the engine and the dunning module, and the outcome a
finished case records in the consumer's running experiments (however it ended: by the engine,
by hand, at a counter or through a payment link)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from app.db.recovery_tables import recovery_cases
from app.db.recovery_tables_experiments import recovery_experiment_assignments as assignments
from app.db.recovery_tables_experiments import recovery_experiment_outcomes as outcomes
from app.db.recovery_tables_experiments import recovery_experiments as experiments
from app.recovery.experiments.assignment import choose_experiment
from app.services.experiments import RUNNING, enroll, experiment_row, save_outcome

# A case's final status: recovered or not. Paid at a counter is recovered too; a plan, a
# dispute or a pause is not an ending (the case may still come back).
ENDINGS = {"paid": True, "at_counter": True, "stopped": False}
DAY_SECONDS = 86_400


@contextmanager
def _connection(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind  # the caller's transaction
    else:
        with bind.begin() as connection:
            yield connection


def arm_for(
    bind: Engine | Connection, consumer_id: str, strategy: str, now: datetime | None = None
) -> tuple[int, str] | None:
    """(experiment id, variant) of the running test on `strategy` the consumer is in - enrolled
    now if there is one and they are in none; None when no test on that strategy runs."""
    now = now or datetime.now(UTC)
    with _connection(bind) as connection:
        running = (experiments.c.strategy == strategy) & (experiments.c.status == RUNNING)
        found = connection.execute(
            select(assignments.c.experiment_id, assignments.c.variant)
            .join(experiments, experiments.c.id == assignments.c.experiment_id)
            .where(running, assignments.c.consumer_id == consumer_id)
            .order_by(assignments.c.experiment_id)
            .limit(1)
        ).first()
        if found is not None:
            return int(found.experiment_id), found.variant
        ids = [
            str(i) for i in connection.execute(select(experiments.c.id).where(running)).scalars()
        ]
        if not ids:
            return None
        chosen = experiment_row(connection, choose_experiment(strategy, consumer_id, ids))
        return chosen["id"], enroll(connection, chosen, consumer_id, now)


def arms_of(
    bind: Engine | Connection, consumer_id: str, now: datetime | None = None
) -> dict[str, str]:
    """{strategy: variant} of every running test the consumer is in (enrolled now in each
    strategy's test where they are in none yet); empty when no test runs."""
    with _connection(bind) as connection:
        running = connection.execute(
            select(experiments.c.strategy).where(experiments.c.status == RUNNING).distinct()
        ).scalars()
        found = {}
        for strategy in sorted(running):
            arm = arm_for(connection, consumer_id, strategy, now)
            if arm is not None:
                found[strategy] = arm[1]
        return found


def record_ended_outcomes(bind: Engine | Connection, now: datetime) -> int:
    """Cases that ended without the engine (stopped by hand, paid at a counter or through a
    link) and that failed while a test their consumer is in was running, recorded once;
    returns how many outcomes were written."""
    c = recovery_cases.c
    unrecorded = (
        select(c.id, c.status)
        .distinct()
        .join(assignments, assignments.c.consumer_id == c.consumer_id)
        .join(experiments, experiments.c.id == assignments.c.experiment_id)
        .outerjoin(
            outcomes,
            (outcomes.c.experiment_id == experiments.c.id) & (outcomes.c.case_id == c.id),
        )
        .where(
            experiments.c.status == RUNNING,
            c.status.in_(tuple(ENDINGS)),
            c.failed_at >= experiments.c.started_at,
            outcomes.c.id.is_(None),
        )
        .order_by(c.id)
    )
    written = 0
    with _connection(bind) as connection:
        for row in connection.execute(unrecorded).all():
            written += record_case_outcome(connection, row.id, row.status, now)
    return written


def record_case_outcome(
    connection: Connection, case_id: str, status: str | None, now: datetime
) -> int:
    """A case that ended (paid, or stopped) is an outcome in each running test its consumer is
    in; returns how many were recorded. Any other status records nothing."""
    if status not in ENDINGS:
        return 0
    case = connection.execute(select(recovery_cases).where(recovery_cases.c.id == case_id)).first()
    if case is None:
        return 0
    tests = connection.execute(
        select(experiments)
        .join(assignments, assignments.c.experiment_id == experiments.c.id)
        .where(assignments.c.consumer_id == case.consumer_id, experiments.c.status == RUNNING)
    ).all()
    recovered = ENDINGS[status]
    measures: dict[str, Any] = {"days": None, "amount_minor": None}
    if recovered:
        measures["days"] = max(0.0, (now - case.failed_at).total_seconds() / DAY_SECONDS)
        measures["amount_minor"] = case.recovered_minor or case.amount_minor
    for test in tests:
        save_outcome(
            connection,
            dict(test._mapping),
            case.consumer_id,
            now,
            recovered=recovered,
            case_id=case_id,
            **measures,
        )
    return len(tests)
