"""running totals behind the KPI header

Posted payments per payment date (sum, count) and their allocations' collection days (sum,
count; a void's reversal rows left out), kept by triggers so that every writer - a payment
recorded here, a void, a pull applying other counters' payments, a bulk load - moves them in
its own transaction. The KPI header then reads a month as about thirty rows instead of
scanning every payment of it. Filled from the payments already there.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_COLUMNS = "day, collected_minor, payments, collection_days, allocations"
_ADD = (
    "ON CONFLICT (day) DO UPDATE SET "
    "collected_minor = collected_minor + excluded.collected_minor, "
    "payments = payments + excluded.payments, "
    "collection_days = collection_days + excluded.collection_days, "
    "allocations = allocations + excluded.allocations"
)


def _allocations_of(payment: str) -> str:
    """(sum of days, count) of a payment's own allocations, its void's reversals left out."""
    return (
        "SELECT coalesce(sum(collection_days), 0) AS days, count(*) AS number "
        f"FROM payment_allocations WHERE payment_id = {payment}.id AND reversal_of IS NULL"
    )


def _take_out(old: str) -> str:
    return (
        "UPDATE kpi_day_totals SET "
        f"collected_minor = collected_minor - {old}.amount_minor, payments = payments - 1, "
        f"collection_days = collection_days - (SELECT days FROM ({_allocations_of(old)})), "
        f"allocations = allocations - (SELECT number FROM ({_allocations_of(old)})) "
        f"WHERE day = {old}.payment_date"
    )


TRIGGERS = {
    "kpi_payment_insert": (
        "AFTER INSERT ON payments WHEN NEW.status = 'Posted' BEGIN "
        f"INSERT INTO kpi_day_totals ({_COLUMNS}) "
        f"VALUES (NEW.payment_date, NEW.amount_minor, 1, 0, 0) {_ADD}; END"
    ),
    # A payment is inserted before its allocations (foreign keys are checked per statement);
    # one that is not Posted yet counts them when it becomes Posted (below).
    "kpi_allocation_insert": (
        "AFTER INSERT ON payment_allocations WHEN NEW.reversal_of IS NULL BEGIN "
        f"INSERT INTO kpi_day_totals ({_COLUMNS}) "
        "SELECT payment_date, 0, 0, NEW.collection_days, 1 FROM payments "
        f"WHERE id = NEW.payment_id AND status = 'Posted' {_ADD}; END"
    ),
    # Voided, posted after a gateway's answer, or moved to another date: the old day gives
    # its part back and the new one takes it, allocations included.
    "kpi_payment_update": (
        "AFTER UPDATE OF status, payment_date, amount_minor ON payments "
        "WHEN (OLD.status = 'Posted' OR NEW.status = 'Posted') "
        "AND (OLD.status IS NOT NEW.status OR OLD.payment_date IS NOT NEW.payment_date "
        "OR OLD.amount_minor IS NOT NEW.amount_minor) BEGIN "
        f"{_take_out('OLD')} AND OLD.status = 'Posted'; "
        f"INSERT INTO kpi_day_totals ({_COLUMNS}) "
        "SELECT NEW.payment_date, NEW.amount_minor, 1, days, number "
        f"FROM ({_allocations_of('NEW')}) "
        f"WHERE NEW.status = 'Posted' {_ADD}; END"
    ),
    # Payments and allocations are never deleted (0002's triggers refuse it); should that
    # rule ever be lifted, the totals still follow.
    "kpi_allocation_delete": (
        "AFTER DELETE ON payment_allocations WHEN OLD.reversal_of IS NULL BEGIN "
        "UPDATE kpi_day_totals SET collection_days = collection_days - OLD.collection_days, "
        "allocations = allocations - 1 WHERE day = ("
        "SELECT payment_date FROM payments WHERE id = OLD.payment_id AND status = 'Posted'); END"
    ),
    "kpi_payment_delete": (
        f"AFTER DELETE ON payments WHEN OLD.status = 'Posted' BEGIN {_take_out('OLD')}; END"
    ),
}

FILL = (
    f"INSERT INTO kpi_day_totals ({_COLUMNS}) "
    "SELECT p.payment_date, sum(p.amount_minor), count(*), "
    "coalesce(sum(a.days), 0), coalesce(sum(a.number), 0) FROM payments p LEFT JOIN ("
    "  SELECT payment_id, sum(collection_days) AS days, count(*) AS number"
    "  FROM payment_allocations WHERE reversal_of IS NULL GROUP BY payment_id"
    ") a ON a.payment_id = p.id WHERE p.status = 'Posted' GROUP BY p.payment_date"
)


def upgrade() -> None:
    op.create_table(
        "kpi_day_totals",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("collected_minor", sa.Integer(), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.Column("collection_days", sa.Integer(), nullable=False),
        sa.Column("allocations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_kpi_day_totals")),
    )
    op.execute(FILL)
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("kpi_day_totals")
