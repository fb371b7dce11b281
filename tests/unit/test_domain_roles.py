"""Who may do what: services ask the role before they write anything."""

import pytest

from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.roles import PERMISSIONS, Role, require


@pytest.mark.parametrize(
    "action", ["record_payment", "create_credit_note", "apply_credit_note", "view_kpis"]
)
def test_a_cashier_may_do_the_counter_work(action) -> None:
    require(Role.CASHIER, action)


@pytest.mark.parametrize(
    ("role", "action", "message"),
    [
        (Role.CASHIER, "void_payment", "A cashier may not void payments."),
        (Role.CASHIER, "verify_payment", "A cashier may not verify online payments."),
        (Role.CASHIER, "manage_settings", "A cashier may not change settings."),
        (
            Role.RECOVERY_EXECUTIVE,
            "create_credit_note",
            "A recovery executive may not create credit notes.",
        ),
        (
            Role.RECOVERY_EXECUTIVE,
            "apply_credit_note",
            "A recovery executive may not apply credit notes.",
        ),
        (Role.BILLING_MANAGER, "manage_users", "A billing manager may not manage users."),
    ],
)
def test_a_role_is_refused_what_it_may_not_do(role, action, message) -> None:
    with pytest.raises(PermissionDenied) as refused:
        require(role, action)
    assert refused.value.message == message


def test_a_refusal_is_shown_to_the_user_as_is() -> None:
    with pytest.raises(UserFacingError):
        require(Role.CASHIER, "void_payment")


def test_supervisors_may_void_and_verify_payments() -> None:
    for role in (Role.BILLING_MANAGER, Role.ADMIN):
        require(role, "void_payment")
        require(role, "verify_payment")


@pytest.mark.parametrize("action", sorted(PERMISSIONS))
def test_an_admin_may_do_everything(action) -> None:
    require(Role.ADMIN, action)


@pytest.mark.parametrize("role", list(Role))
def test_everyone_may_record_payments(role) -> None:
    require(role, "record_payment")


def test_roles_are_read_by_value_or_label_whatever_the_case() -> None:
    assert Role.parse("cashier") is Role.CASHIER
    assert Role.parse("Billing Manager") is Role.BILLING_MANAGER
    assert Role.parse(" RECOVERY_EXECUTIVE ") is Role.RECOVERY_EXECUTIVE
    assert Role.BILLING_MANAGER.label == "Billing Manager"
    with pytest.raises(UserFacingError, match=r"^Unknown role 'teller'\.$"):
        Role.parse("teller")
