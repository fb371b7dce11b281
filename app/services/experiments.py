"""A/B experiments on recovery strategies: create, assign, record, list, show, stop.

Who created or stopped a test, and when, is kept on the experiment's row (the recovery
database has no user table of its own). Bad input raises UserFacingError before any write.
"""

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import IntegrityError

from app.db.recovery_tables_experiments import (
    recovery_experiment_assignments as assignments,
)
from app.db.recovery_tables_experiments import (
    recovery_experiment_outcomes as outcomes,
)
from app.db.recovery_tables_experiments import (
    recovery_experiment_variants as variants,
)
from app.db.recovery_tables_experiments import (
    recovery_experiments as experiments,
)
from app.domain.errors import UserFacingError
from app.recovery.experiments.arms import knobs_of
from app.recovery.experiments.assignment import choose_variant
from app.recovery.experiments.design import Design, make_design, parse_allocation
from app.recovery.policy_names import POLICIES
from app.services.outgoing_webhooks import publish_event

RUNNING, STOPPED = "running", "stopped"
ARM_NAMES = {
    "retry_timing": f"a policy ({', '.join(POLICIES)}) or immediate, delayed_4h, delayed_1d",
    "retry_amounts": "full_amount, reduced_25, partial_50, half",
    "notification_timing": "immediate, delayed_1h, delayed_24h",
    "grace_period": "3_days, 7_days",
    "dunning_sequence": "aggressive, moderate, gentle, minimal",
    "retention_offers": "no_offer, small_discount, discount_15, payment_plan",
    "message_template": "a template name",
}


def create_experiment(
    engine: Engine,
    *,
    name: str,
    strategy: str,
    variant_names: Sequence[str],
    allocation: str | None,
    now: datetime,
    by: str,
    control: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    """A running experiment from a billing manager's design; options: min_sample, confidence,
    duration_days, primary_metric, secondary_metrics (see design.make_design)."""
    design = make_design(
        name=name,
        strategy=strategy,
        variants=variant_names,
        allocation=parse_allocation(allocation, len(variant_names)),
        control=control,
        **{k: v for k, v in options.items() if v is not None},
    )
    with engine.begin() as connection:
        experiment_id = _insert(connection, design, by, now)
        shown = _show(connection, experiment_id)
    unknown = [a.name for a in design.arms if not arm_is_applied(design.strategy, a.name)]
    if unknown:
        shown["notes"] = [
            f"The recovery engine cannot read {', '.join(unknown)} as a {design.strategy} arm"
            f" ({ARM_NAMES[design.strategy]}): those consumers are worked as without the test."
        ]
    return shown


def arm_is_applied(strategy: str, variant: str) -> bool:
    """Whether the engine or the messenger changes anything for this arm."""
    if strategy == "message_template" or (strategy == "retry_timing" and variant in POLICIES):
        return True
    return bool(knobs_of(strategy, variant).arms)


def _insert(connection: Connection, design: Design, by: str, now: datetime) -> int:
    inserted = connection.execute(
        experiments.insert().values(
            name=design.name,
            strategy=design.strategy,
            status=RUNNING,
            min_sample=design.min_sample,
            confidence=design.confidence,
            primary_metric=design.primary_metric,
            secondary_metrics=list(design.secondary_metrics),
            duration_days=design.duration_days,
            started_at=now,
            created_by=by,
        )
    ).inserted_primary_key
    assert inserted is not None  # a single-row INSERT always reports its key
    experiment_id = inserted[0]
    connection.execute(
        variants.insert(),
        [
            {
                "experiment_id": experiment_id,
                "position": position,
                "name": arm.name,
                "allocation": arm.allocation,
                "control": arm.control,
            }
            for position, arm in enumerate(design.arms)
        ],
    )
    return int(experiment_id)


def experiment_row(connection: Connection, experiment_id: int | str) -> dict[str, Any]:
    try:
        key = int(experiment_id)
    except (TypeError, ValueError):
        raise UserFacingError(f"There is no experiment {experiment_id}.") from None
    row = connection.execute(select(experiments).where(experiments.c.id == key)).first()
    if row is None:
        raise UserFacingError(f"There is no experiment {experiment_id}.")
    return dict(row._mapping)


def arms_of(connection: Connection, experiment_id: int) -> list[dict[str, Any]]:
    query = (
        select(variants.c.name, variants.c.allocation, variants.c.control)
        .where(variants.c.experiment_id == experiment_id)
        .order_by(variants.c.position)
    )
    return [dict(r._mapping) for r in connection.execute(query)]


def assigned_variant(connection: Connection, experiment_id: int, consumer_id: str) -> str | None:
    return connection.execute(
        select(assignments.c.variant).where(
            assignments.c.experiment_id == experiment_id,
            assignments.c.consumer_id == consumer_id,
        )
    ).scalar_one_or_none()


def other_running_test(
    connection: Connection, experiment: dict[str, Any], consumer_id: str
) -> int | None:
    """The running test on the same strategy this consumer is already in, if any."""
    query = (
        select(experiments.c.id)
        .join(assignments, assignments.c.experiment_id == experiments.c.id)
        .where(
            assignments.c.consumer_id == consumer_id,
            experiments.c.strategy == experiment["strategy"],
            experiments.c.status == RUNNING,
            experiments.c.id != experiment["id"],
        )
    )
    return connection.execute(query.limit(1)).scalar_one_or_none()


def enroll(
    connection: Connection, experiment: dict[str, Any], consumer_id: str, now: datetime
) -> str:
    """The consumer's arm: the one given before (sticky), else the hash's, written now."""
    consumer_id = consumer_id.strip()
    if not consumer_id or len(consumer_id) > 64:
        raise UserFacingError("Give the consumer's id (at most 64 characters).")
    found = assigned_variant(connection, experiment["id"], consumer_id)
    if found is not None:
        return found
    if experiment["status"] != RUNNING:
        raise UserFacingError(f"Experiment {experiment['id']} is stopped: it takes no one new.")
    elsewhere = other_running_test(connection, experiment, consumer_id)
    if elsewhere is not None:
        raise UserFacingError(
            f"Consumer {consumer_id} is already in experiment {elsewhere} on "
            f"{experiment['strategy']}: a consumer is in one running test per strategy."
        )
    arms = arms_of(connection, experiment["id"])
    variant = choose_variant(
        str(experiment["id"]),
        consumer_id,
        [a["name"] for a in arms],
        [a["allocation"] for a in arms],
    )
    try:
        with connection.begin_nested():
            connection.execute(
                assignments.insert().values(
                    experiment_id=experiment["id"],
                    consumer_id=consumer_id,
                    variant=variant,
                    assigned_at=now,
                )
            )
    except IntegrityError:  # another worker enrolled them a moment ago: the same arm
        pass
    return variant


def assign(engine: Engine, experiment_id: int | str, consumer_id: str, now: datetime) -> dict:
    with engine.begin() as connection:
        experiment = experiment_row(connection, experiment_id)
        variant = enroll(connection, experiment, consumer_id, now)
    return {"experiment": experiment["id"], "consumer": consumer_id.strip(), "variant": variant}


def _check_outcome(
    days: float | None, amount_minor: int | None, satisfaction: float | None
) -> None:
    if days is not None and (not math.isfinite(days) or days < 0):
        raise UserFacingError("The days to recover cannot be negative.")
    if amount_minor is not None and amount_minor < 0:
        raise UserFacingError("The recovered amount cannot be negative.")
    if satisfaction is not None and not 0 <= satisfaction <= 1:
        raise UserFacingError("Give satisfaction as a fraction from 0 to 1.")


def save_outcome(
    connection: Connection,
    experiment: dict[str, Any],
    consumer_id: str,
    now: datetime,
    *,
    recovered: bool,
    case_id: str = "",
    **measures: Any,
) -> dict[str, Any]:
    """One outcome of the consumer's arm; a second for the same case replaces the first."""
    variant = enroll(connection, experiment, consumer_id, now)
    key = (
        (outcomes.c.experiment_id == experiment["id"])
        & (outcomes.c.consumer_id == consumer_id)
        & (outcomes.c.case_id == case_id)
    )
    connection.execute(outcomes.delete().where(key))
    row = {
        "experiment_id": experiment["id"],
        "consumer_id": consumer_id,
        "case_id": case_id,
        "variant": variant,
        "recorded_at": now,
        "recovered": recovered,
        **measures,
    }
    connection.execute(outcomes.insert().values(**row))
    return row


def record(
    engine: Engine,
    experiment_id: int | str,
    consumer_id: str,
    now: datetime,
    *,
    recovered: bool,
    days: float | None = None,
    amount_minor: int | None = None,
    satisfaction: float | None = None,
    churned: bool | None = None,
) -> dict[str, Any]:
    _check_outcome(days, amount_minor, satisfaction)
    with engine.begin() as connection:
        experiment = experiment_row(connection, experiment_id)
        row = save_outcome(
            connection,
            experiment,
            consumer_id.strip(),
            now,
            recovered=recovered,
            days=days,
            amount_minor=amount_minor,
            satisfaction=satisfaction,
            churned=churned,
        )
    return {
        "experiment": row["experiment_id"],
        "consumer": row["consumer_id"],
        "variant": row["variant"],
        "recovered": recovered,
        "days": days,
        "amount_minor": amount_minor,
        "satisfaction": satisfaction,
        "churned": churned,
        "recorded_at": now,
    }


def count_by_variant(connection: Connection, table: Any, experiment_id: int) -> dict[str, int]:
    query = (
        select(table.c.variant, func.count())
        .where(table.c.experiment_id == experiment_id)
        .group_by(table.c.variant)
    )
    return {variant: int(count) for variant, count in connection.execute(query)}


def _show(connection: Connection, experiment_id: int) -> dict[str, Any]:
    row = experiment_row(connection, experiment_id)
    assigned = count_by_variant(connection, assignments, row["id"])
    recorded = count_by_variant(connection, outcomes, row["id"])
    arms = arms_of(connection, row["id"])
    return row | {
        "control": next(a["name"] for a in arms if a["control"]),
        "variants": [
            a | {"assigned": assigned.get(a["name"], 0), "n": recorded.get(a["name"], 0)}
            for a in arms
        ],
    }


def show_experiment(engine: Engine, experiment_id: int | str) -> dict[str, Any]:
    with engine.connect() as connection:
        return _show(connection, experiment_row(connection, experiment_id)["id"])


def list_experiments(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    query = select(experiments.c.id).order_by(experiments.c.id.desc())
    if status is not None:
        query = query.where(experiments.c.status == status)
    with engine.connect() as connection:
        return [_show(connection, key) for key in connection.execute(query).scalars()]


def stop_experiment(
    engine: Engine, experiment_id: int | str, *, by: str, now: datetime, reason: str = ""
) -> dict[str, Any]:
    """Stop a test: no one new is enrolled, its arms stop applying; the results stay."""
    with engine.begin() as connection:
        row = experiment_row(connection, experiment_id)
        if row["status"] != RUNNING:
            raise UserFacingError(f"Experiment {row['id']} was stopped already.")
        connection.execute(
            update(experiments)
            .where(experiments.c.id == row["id"])
            .values(status=STOPPED, stopped_at=now, stopped_by=by, stop_reason=reason or None)
        )
        shown = _show(connection, row["id"])
        publish_event(
            connection,
            "experiment.finished",
            {
                "experiment_id": row["id"],
                "name": row["name"],
                "strategy": row["strategy"],
                "stopped_by": by,
                "reason": reason,
                "at": now.isoformat(),
            },
        )
        return shown
