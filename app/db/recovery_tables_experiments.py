"""Recovery tables of A/B experiments: tests, variants, assignments, outcomes."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

recovery_experiments = Table(
    "recovery_experiments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False),
    Column("strategy", String(32), nullable=False),
    Column("status", String(16), nullable=False, default="running"),  # running | stopped
    Column("min_sample", Integer, nullable=False),  # outcomes per variant before deciding
    Column("confidence", Float, nullable=False),
    Column("primary_metric", String(32), nullable=False),
    Column("secondary_metrics", JSON, nullable=False),
    Column("duration_days", Integer),  # None: the horizon is the minimum sample alone
    Column("started_at", UtcDateTime, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("stopped_at", UtcDateTime),
    Column("stopped_by", String(64)),
    Column("stop_reason", Text),
    Index("ix_recovery_experiments_strategy_status", "strategy", "status"),
)

recovery_experiment_variants = Table(
    "recovery_experiment_variants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "experiment_id",
        Integer,
        ForeignKey("recovery_experiments.id", name="fk_recovery_experiment_variants_experiment"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("name", String(64), nullable=False),
    Column("allocation", Float, nullable=False),
    Column("control", Boolean, nullable=False, default=False),
    UniqueConstraint("experiment_id", "name"),
    UniqueConstraint("experiment_id", "position"),
)

# One row per consumer and experiment: the arm is sticky, and the row is what makes a
# consumer's test exclusive among overlapping tests on the same strategy.
recovery_experiment_assignments = Table(
    "recovery_experiment_assignments",
    metadata,
    Column(
        "experiment_id",
        Integer,
        ForeignKey("recovery_experiments.id", name="fk_recovery_experiment_assignments_experiment"),
        primary_key=True,
    ),
    Column("consumer_id", String(64), primary_key=True),
    Column("variant", String(64), nullable=False),
    Column("assigned_at", UtcDateTime, nullable=False),
    Index("ix_recovery_experiment_assignments_consumer", "consumer_id"),
)

recovery_experiment_outcomes = Table(
    "recovery_experiment_outcomes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "experiment_id",
        Integer,
        ForeignKey("recovery_experiments.id", name="fk_recovery_experiment_outcomes_experiment"),
        nullable=False,
    ),
    Column("consumer_id", String(64), nullable=False),
    # The case the outcome is of; "" for one recorded by hand (`experiments record`), so a
    # second record of the same consumer replaces the first instead of counting twice.
    Column("case_id", String(64), nullable=False, default=""),
    Column("variant", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recovered", Boolean, nullable=False),
    Column("days", Float),  # from the failure to the recovery
    Column("amount_minor", BigInteger),
    Column("satisfaction", Float),
    Column("churned", Boolean),
    # PostgreSQL names stop at 63 characters: the convention's name would be longer.
    UniqueConstraint(
        "experiment_id", "consumer_id", "case_id", name="uq_recovery_experiment_outcomes_key"
    ),
)

TABLES = {
    "experiments": recovery_experiments,
    "experiment_variants": recovery_experiment_variants,
    "experiment_assignments": recovery_experiment_assignments,
    "experiment_outcomes": recovery_experiment_outcomes,
}
