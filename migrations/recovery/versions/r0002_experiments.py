"""A/B experiments: tests, variants, assignments, outcomes.

Revision ID: r0002
Revises: r0001
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db.base import UtcDateTime

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def _experiment_key(table: str) -> sa.Column:
    return sa.Column(
        "experiment_id",
        sa.Integer(),
        sa.ForeignKey("recovery_experiments.id", name=f"fk_{table}_experiment"),
        nullable=False,
        autoincrement=False,
    )


def upgrade() -> None:
    op.create_table(
        "recovery_experiments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("strategy", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("min_sample", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("primary_metric", sa.String(length=32), nullable=False),
        sa.Column("secondary_metrics", sa.JSON(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("stopped_at", UtcDateTime(), nullable=True),
        sa.Column("stopped_by", sa.String(length=64), nullable=True),
        sa.Column("stop_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_experiments")),
    )
    op.create_index(
        "ix_recovery_experiments_strategy_status",
        "recovery_experiments",
        ["strategy", "status"],
    )
    op.create_table(
        "recovery_experiment_variants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _experiment_key("recovery_experiment_variants"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("allocation", sa.Float(), nullable=False),
        sa.Column("control", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_experiment_variants")),
        sa.UniqueConstraint(
            "experiment_id", "name", name=op.f("uq_recovery_experiment_variants_experiment_id_name")
        ),
        sa.UniqueConstraint(
            "experiment_id",
            "position",
            name=op.f("uq_recovery_experiment_variants_experiment_id_position"),
        ),
    )
    op.create_table(
        "recovery_experiment_assignments",
        _experiment_key("recovery_experiment_assignments"),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "experiment_id", "consumer_id", name=op.f("pk_recovery_experiment_assignments")
        ),
    )
    op.create_index(
        "ix_recovery_experiment_assignments_consumer",
        "recovery_experiment_assignments",
        ["consumer_id"],
    )
    op.create_table(
        "recovery_experiment_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _experiment_key("recovery_experiment_outcomes"),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recovered", sa.Boolean(), nullable=False),
        sa.Column("days", sa.Float(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("satisfaction", sa.Float(), nullable=True),
        sa.Column("churned", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_experiment_outcomes")),
        sa.UniqueConstraint(
            "experiment_id", "consumer_id", "case_id", name="uq_recovery_experiment_outcomes_key"
        ),
    )


def downgrade() -> None:
    op.drop_table("recovery_experiment_outcomes")
    op.drop_index(
        "ix_recovery_experiment_assignments_consumer", table_name="recovery_experiment_assignments"
    )
    op.drop_table("recovery_experiment_assignments")
    op.drop_table("recovery_experiment_variants")
    op.drop_index("ix_recovery_experiments_strategy_status", table_name="recovery_experiments")
    op.drop_table("recovery_experiments")
