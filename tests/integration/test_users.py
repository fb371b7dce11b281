"""User management on a real counter file: what an admin may do, what keeps the counter
manageable, and what the audit trail says."""

import json
import re

import pytest
from sqlalchemy import select

from app.db.database import Database
from app.db.tables import AuditEvent
from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from app.domain.roles import Role
from app.services.actors import actor_for, authenticate, sign_in
from app.services.users import (
    change_role,
    create_user,
    list_users,
    reset_pin,
    set_user_active,
)


def audit_trail(db: Database, action: str) -> list[tuple[str | None, str | None]]:
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(AuditEvent.before_json, AuditEvent.after_json)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        )
        return [(b, a) for b, a in rows]


def pin_works(db: Database, username: str, pin: str) -> bool:
    with db.unit_of_work() as uow:
        try:
            return authenticate(uow, username, pin).username == username
        except UserFacingError:
            return False


def test_an_admin_lists_every_user_with_role_and_status(db: Database) -> None:
    users = list_users(db.unit_of_work(), username="admin")
    assert [(u.username, u.role, u.status) for u in users] == [
        ("admin", Role.ADMIN, "Active"),
        ("jsmith", Role.CASHIER, "Active"),
        ("mbrown", Role.BILLING_MANAGER, "Active"),
        ("rpatel", Role.RECOVERY_EXECUTIVE, "Active"),
    ]


def test_a_new_user_can_sign_in_with_the_pin_the_admin_gave(db: Database) -> None:
    user = create_user(
        db.unit_of_work(),
        new_username="kdavis",
        full_name="Kim Davis",
        role="cashier",
        pin="4821",
        username="admin",
    )
    assert (user.username, user.full_name, user.role, user.active) == (
        "kdavis",
        "Kim Davis",
        Role.CASHIER,
        True,
    )
    assert sign_in(db.unit_of_work(), "kdavis", "4821").full_name == "Kim Davis"
    ((_, after),) = audit_trail(db, "user.created")[-1:]
    assert json.loads(after) == {"username": "kdavis", "full_name": "Kim Davis", "role": "cashier"}


@pytest.mark.parametrize("pin", ["12", "123456789", "12a4", "7777", "", "１２３４"])
def test_a_pin_is_four_to_eight_digits_not_all_the_same(db: Database, pin: str) -> None:
    with pytest.raises(
        UserFacingError, match=re.escape("A PIN is 4 to 8 digits, not all the same digit.")
    ):
        create_user(
            db.unit_of_work(),
            new_username="kdavis",
            full_name="Kim Davis",
            role=Role.CASHIER,
            pin=pin,
            username="admin",
        )
    assert "kdavis" not in [u.username for u in list_users(db.unit_of_work(), username="admin")]


def test_a_taken_user_name_is_refused_whatever_its_case(db: Database) -> None:
    with pytest.raises(UserFacingError, match=re.escape("User name 'JSmith' is already taken.")):
        create_user(
            db.unit_of_work(),
            new_username="JSmith",
            full_name="Someone Else",
            role=Role.CASHIER,
            pin="4821",
            username="admin",
        )


def test_only_an_admin_manages_users(db: Database) -> None:
    with pytest.raises(
        PermissionDenied, match=re.escape("A billing manager may not manage users.")
    ):
        list_users(db.unit_of_work(), username="mbrown")
    with pytest.raises(PermissionDenied, match=re.escape("A cashier may not manage users.")):
        reset_pin(db.unit_of_work(), "mbrown", "9182", username="jsmith")
    assert pin_works(db, "mbrown", "2345")


def test_a_disabled_user_can_neither_sign_in_nor_act_until_enabled(db: Database) -> None:
    disabled = set_user_active(db.unit_of_work(), "jsmith", False, username="admin")
    assert disabled.status == "Disabled"
    with pytest.raises(UserFacingError, match=re.escape("Wrong user name or PIN.")):
        sign_in(db.unit_of_work(), "jsmith", "1234")
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="is disabled"):
        actor_for(uow, "jsmith", "record_payment")
    with pytest.raises(UserFacingError, match=re.escape("User 'jsmith' is already disabled.")):
        set_user_active(db.unit_of_work(), "jsmith", False, username="admin")

    set_user_active(db.unit_of_work(), "jsmith", True, username="admin")
    assert sign_in(db.unit_of_work(), "jsmith", "1234").username == "jsmith"
    assert [json.loads(a) for _, a in audit_trail(db, "user.disabled")] == [{"active": False}]
    assert [json.loads(a) for _, a in audit_trail(db, "user.enabled")] == [{"active": True}]


def test_an_admin_cannot_disable_or_demote_themself(db: Database) -> None:
    with pytest.raises(
        UserFacingError, match=re.escape("You cannot disable yourself: ask another admin.")
    ):
        set_user_active(db.unit_of_work(), "admin", False, username="admin")
    with pytest.raises(UserFacingError, match="You cannot demote yourself"):
        change_role(db.unit_of_work(), "admin", Role.CASHIER, username="admin")
    assert list_users(db.unit_of_work(), username="admin")[0].role is Role.ADMIN


def test_the_counter_always_keeps_an_active_admin(db: Database) -> None:
    change_role(db.unit_of_work(), "mbrown", Role.ADMIN, username="admin")
    # with a second admin, the built-in one may be disabled ...
    set_user_active(db.unit_of_work(), "admin", False, username="mbrown")
    # ... but the admin left can neither step down nor switch themself off
    with pytest.raises(UserFacingError, match="You cannot demote yourself"):
        change_role(db.unit_of_work(), "mbrown", Role.BILLING_MANAGER, username="mbrown")
    with pytest.raises(UserFacingError, match="You cannot disable yourself"):
        set_user_active(db.unit_of_work(), "mbrown", False, username="mbrown")
    admins = [u for u in list_users(db.unit_of_work(), username="mbrown") if u.role is Role.ADMIN]
    assert [(u.username, u.active) for u in admins] == [("mbrown", True), ("admin", False)]


def test_a_reset_pin_replaces_the_old_one_and_is_audited_without_it(db: Database) -> None:
    reset_pin(db.unit_of_work(), "jsmith", "8642", username="admin")
    assert not pin_works(db, "jsmith", "1234")
    assert pin_works(db, "jsmith", "8642")
    ((before, after),) = audit_trail(db, "user.pin_reset")
    assert before is None and json.loads(after) == {"username": "jsmith"}
    assert "8642" not in after


def test_a_role_change_decides_what_the_user_may_do_next(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        actor_for(uow, "jsmith", "approve_credit_note")
    changed = change_role(db.unit_of_work(), "jsmith", "Billing Manager", username="admin")
    assert changed.role is Role.BILLING_MANAGER
    with db.unit_of_work() as uow:
        assert actor_for(uow, "jsmith", "approve_credit_note").role is Role.BILLING_MANAGER
    ((before, after),) = audit_trail(db, "user.role_changed")
    assert (json.loads(before), json.loads(after)) == (
        {"role": "cashier"},
        {"role": "billing_manager"},
    )


def test_an_unknown_user_is_named_in_the_refusal(db: Database) -> None:
    with pytest.raises(NotFound, match=re.escape("No user named 'nobody'.")):
        reset_pin(db.unit_of_work(), "nobody", "4821", username="admin")
