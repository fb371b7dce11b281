"""Roles and what each may do; services check these, screens only hide what is refused."""

from enum import StrEnum

from app.domain.errors import PermissionDenied, UserFacingError


class Role(StrEnum):
    CASHIER = "cashier"
    RECOVERY_EXECUTIVE = "recovery_executive"
    BILLING_MANAGER = "billing_manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()

    @classmethod
    def parse(cls, text: str) -> "Role":
        for role in cls:
            if text.strip().casefold() in (role.value, role.label.casefold()):
                return role
        raise UserFacingError(f"Unknown role '{text}'.")


_EVERYONE = frozenset(Role)
_SUPERVISORS = frozenset({Role.BILLING_MANAGER, Role.ADMIN})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "record_payment": _EVERYONE,
    "create_credit_note": frozenset({Role.CASHIER, Role.BILLING_MANAGER, Role.ADMIN}),
    "apply_credit_note": frozenset({Role.CASHIER, Role.BILLING_MANAGER, Role.ADMIN}),
    "approve_credit_note": _SUPERVISORS,
    "void_payment": _SUPERVISORS,
    "verify_payment": _SUPERVISORS,
    "view_kpis": _EVERYONE,
    "view_dashboards": _SUPERVISORS,
    "manage_settings": frozenset({Role.ADMIN}),
    "manage_users": frozenset({Role.ADMIN}),
    "manage_sync": _SUPERVISORS,  # the Sync screen: parked and flagged records, retry
    "work_shift": _EVERYONE,  # whoever records payments opens and closes a drawer's shift
    "approve_shift_difference": _SUPERVISORS,  # also overrides unsent payments at close
    "approve_backdated_payment": _SUPERVISORS,
    "reconcile": _SUPERVISORS,  # bank statements matched to drops, card days, transfers
    "handle_dispute": _EVERYONE,  # record a dispute, take it under review, name its owner
    "settle_dispute": frozenset({Role.RECOVERY_EXECUTIVE, *_SUPERVISORS}),  # resolve / reject
    "record_circumstances": _EVERYONE,  # special circumstances and payment preferences
}

_ACTION_TEXT = {
    "record_payment": "record payments",
    "create_credit_note": "create credit notes",
    "apply_credit_note": "apply credit notes",
    "approve_credit_note": "approve or reject credit notes",
    "void_payment": "void payments",
    "verify_payment": "verify online payments",
    "view_kpis": "view collection figures",
    "view_dashboards": "view the supervisor dashboards",
    "manage_settings": "change settings",
    "manage_users": "manage users",
    "manage_sync": "review or retry records the server refused",
    "work_shift": "open or close a shift",
    "approve_shift_difference": "approve a shift close with a difference or unsent payments",
    "approve_backdated_payment": "approve a back-dated payment",
    "reconcile": "reconcile bank statements",
    "handle_dispute": "record disputes",
    "settle_dispute": "resolve or reject disputes",
    "record_circumstances": "record special circumstances",
}


def require(role: Role, action: str) -> None:
    if role not in PERMISSIONS[action]:
        raise PermissionDenied(f"A {role.label.lower()} may not {_ACTION_TEXT[action]}.")
