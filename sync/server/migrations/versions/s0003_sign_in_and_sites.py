"""sites of terminals and users; failed sign-ins and registrations

Revision ID: s0003
Revises: s0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Terminals registered before sites existed stand in the one site there was.
    op.add_column("terminals", sa.Column("site", sa.Text(), server_default="main", nullable=False))
    op.create_table(
        "user_sites",
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sites_user_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "site", name=op.f("pk_user_sites")),
    )
    # Until now every counter got every user's PIN hash, and every terminal stands in "main":
    # users already there stay assigned there, explicitly. Users added from now on are assigned
    # by an admin (`tilldesk server assign-user`).
    op.execute(
        "INSERT INTO user_sites (user_id, site, assigned_at, assigned_by) "
        "SELECT id, 'main', now(), 'migration s0003' FROM users"
    )


def downgrade() -> None:
    op.drop_table("user_sites")
    op.drop_column("terminals", "site")
