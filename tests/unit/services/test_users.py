"""Users on a fake unit of work: an admin manages them, and the counter keeps an admin."""

import pytest

from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.roles import Role
from app.services.users import change_role, create_user, list_users, set_user_active
from tests.support.counter import Counter


def test_a_new_cashier_is_listed_by_name(counter: Counter) -> None:
    create_user(
        counter.uow,
        new_username="bob",
        full_name="Bob Banks",
        role="cashier",
        pin="4821",
        username="admin",
    )

    listed = [(u.username, u.role, u.active) for u in list_users(counter.uow, username="admin")]

    assert listed == [
        ("admin", Role.ADMIN, True),
        ("bob", Role.CASHIER, True),
        ("cashier", Role.CASHIER, True),
        ("manager", Role.BILLING_MANAGER, True),
    ]
    assert "user.created" in counter.uow.actions()


def test_a_user_name_is_taken_once_whatever_its_case(counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="'CASHIER' is already taken"):
        create_user(
            counter.uow,
            new_username="CASHIER",
            full_name="Another",
            role="cashier",
            pin="4821",
            username="admin",
        )


def test_only_an_admin_manages_users(counter: Counter) -> None:
    with pytest.raises(PermissionDenied, match="may not manage users"):
        set_user_active(counter.uow, "cashier", False, username="manager")

    assert counter.uow.users.by_username("cashier").active  # type: ignore[union-attr]


def test_a_disabled_user_is_listed_last(counter: Counter) -> None:
    set_user_active(counter.uow, "cashier", False, username="admin")

    listed = [u.username for u in list_users(counter.uow, username="admin")]

    assert listed == ["admin", "manager", "cashier"]


def test_an_admin_cannot_demote_themselves(counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="You cannot demote yourself"):
        change_role(counter.uow, "admin", "cashier", username="admin")

    assert counter.uow.users.by_username("admin").role == "admin"  # type: ignore[union-attr]
