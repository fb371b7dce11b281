"""A billing manager's decisions on matches: audited, and refused when they make no sense."""

import json

import pytest
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import AuditEvent, User
from app.domain.errors import UserFacingError
from app.services.audit_check import verify_audit_chain
from app.services.reconciliation import Decision, decide_match, run_reconciliation
from app.services.reconciliation_views import reconciliation_view
from app.services.statement_import import import_statement
from tests.reconciliation.counter import MANAGER, make_deposits, statement_csv


@pytest.fixture
def numbers(db: Database) -> dict[str, int]:
    """Match numbers by pass, after importing and running on the known statement."""
    import_statement(
        db.unit_of_work(), statement_csv(make_deposits(db)), fmt="csv", username=MANAGER
    )
    run_reconciliation(db.unit_of_work(), username=MANAGER)
    view = reconciliation_view(db.read(), username=MANAGER)
    return {m.match_pass: m.number for m in view.matches}


def audit_rows(db: Database) -> list[tuple[str, str, dict, dict]]:
    with db.read() as uow:
        rows = uow.session.execute(
            select(AuditEvent.action, User.username, AuditEvent.before_json, AuditEvent.after_json)
            .join(User, User.id == AuditEvent.user_id)
            .where(AuditEvent.entity == "reconciliation_match")
            .order_by(AuditEvent.seq)
        ).all()
    return [(a, u, json.loads(b or "{}"), json.loads(f or "{}")) for a, u, b, f in rows]


def test_confirm_reject_and_undo_are_audited_with_who_and_what(
    db: Database, numbers: dict[str, int]
) -> None:
    decide_match(db.unit_of_work(), numbers["exact"], Decision.CONFIRM, username=MANAGER)
    decide_match(db.unit_of_work(), numbers["window"], Decision.REJECT, username="admin")
    decide_match(db.unit_of_work(), numbers["exact"], Decision.UNDO, username=MANAGER)

    rows = audit_rows(db)
    assert [(a, u, b["status"], f["status"]) for a, u, b, f in rows] == [
        ("reconciliation_match.confirmed", "mbrown", "proposed", "confirmed"),
        ("reconciliation_match.rejected", "admin", "proposed", "rejected"),
        ("reconciliation_match.undone", "mbrown", "confirmed", "undone"),
    ]
    assert rows[0][3]["amount_minor"] == 14550
    assert verify_audit_chain(db.read()).intact


def test_a_decided_match_cannot_be_decided_again(db: Database, numbers: dict[str, int]) -> None:
    decide_match(db.unit_of_work(), numbers["exact"], Decision.CONFIRM, username=MANAGER)

    with pytest.raises(UserFacingError, match="is confirmed: it cannot be rejected"):
        decide_match(db.unit_of_work(), numbers["exact"], Decision.REJECT, username=MANAGER)
    with pytest.raises(UserFacingError, match="No reconciliation match 99"):
        decide_match(db.unit_of_work(), 99, Decision.CONFIRM, username=MANAGER)


def test_a_cashier_may_not_decide(db: Database, numbers: dict[str, int]) -> None:
    with pytest.raises(UserFacingError, match="may not reconcile"):
        decide_match(db.unit_of_work(), numbers["exact"], Decision.CONFIRM, username="jsmith")
    assert audit_rows(db) == []
