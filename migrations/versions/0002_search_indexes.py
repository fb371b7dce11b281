"""search indexes: trigram FTS5 over consumers and payments, kept current by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_DIGITS = (
    "replace(replace(replace(replace(replace(replace(coalesce({col}, ''),"
    " '(', ''), ')', ''), '-', ''), ' ', ''), '+', ''), '.', '')"
)

STATEMENTS = [
    "CREATE VIRTUAL TABLE consumers_fts USING fts5("
    "name, account_number, phone_digits, tokenize='trigram')",
    f"""CREATE TRIGGER consumers_fts_insert AFTER INSERT ON consumers BEGIN
        INSERT INTO consumers_fts (rowid, name, account_number, phone_digits)
        VALUES (NEW.rowid, NEW.name, NEW.account_number, {_DIGITS.format(col="NEW.phone")});
    END""",
    f"""CREATE TRIGGER consumers_fts_update AFTER UPDATE OF name, account_number, phone
        ON consumers BEGIN
        UPDATE consumers_fts SET name = NEW.name, account_number = NEW.account_number,
            phone_digits = {_DIGITS.format(col="NEW.phone")} WHERE rowid = NEW.rowid;
        UPDATE payments_fts SET consumer_name = NEW.name, account_number = NEW.account_number
            WHERE rowid IN (SELECT rowid FROM payments WHERE consumer_id = NEW.id);
    END""",
    """CREATE TRIGGER consumers_fts_delete AFTER DELETE ON consumers BEGIN
        DELETE FROM consumers_fts WHERE rowid = OLD.rowid;
    END""",
    # Rows already there when the index arrives are indexed too.
    "INSERT INTO consumers_fts (rowid, name, account_number, phone_digits) "
    f"SELECT rowid, name, account_number, {_DIGITS.format(col='phone')} FROM consumers",
    "CREATE VIRTUAL TABLE payments_fts USING fts5("
    "receipt_number, consumer_name, account_number, tokenize='trigram')",
    "INSERT INTO payments_fts (rowid, receipt_number, consumer_name, account_number) "
    "SELECT p.rowid, p.receipt_number, c.name, c.account_number "
    "FROM payments p JOIN consumers c ON c.id = p.consumer_id",
    """CREATE TRIGGER payments_fts_insert AFTER INSERT ON payments BEGIN
        INSERT INTO payments_fts (rowid, receipt_number, consumer_name, account_number)
        SELECT NEW.rowid, NEW.receipt_number, c.name, c.account_number
        FROM consumers c WHERE c.id = NEW.consumer_id;
    END""",
    # Money rows are append-only: amounts of a payment can never be rewritten.
    """CREATE TRIGGER payments_amounts_immutable BEFORE UPDATE OF
        amount_minor, tendered_minor, change_minor, overpaid_minor, consumer_id,
        payment_number, transaction_number, receipt_number ON payments BEGIN
        SELECT RAISE(ABORT, 'payment amounts and numbers are append-only');
    END""",
    """CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments BEGIN
        SELECT RAISE(ABORT, 'payments are never deleted; void them');
    END""",
    """CREATE TRIGGER allocations_append_only BEFORE UPDATE ON payment_allocations BEGIN
        SELECT RAISE(ABORT, 'allocations are append-only');
    END""",
    """CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_events BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END""",
    """CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_events BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END""",
]

DROPS = [
    "DROP TRIGGER audit_append_only_delete",
    "DROP TRIGGER audit_append_only_update",
    "DROP TRIGGER allocations_append_only",
    "DROP TRIGGER payments_never_deleted",
    "DROP TRIGGER payments_amounts_immutable",
    "DROP TRIGGER payments_fts_insert",
    "DROP TABLE payments_fts",
    "DROP TRIGGER consumers_fts_delete",
    "DROP TRIGGER consumers_fts_update",
    "DROP TRIGGER consumers_fts_insert",
    "DROP TABLE consumers_fts",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROPS:
        op.execute(statement)
