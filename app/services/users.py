"""The counter's users: list, create, disable or enable, change role, reset PIN (admins only).

Every change is audited. Two guards keep the counter manageable: an admin cannot disable or
demote themself, and the last active admin can never be disabled or demoted.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from app.db.tables import User
from app.domain.changes import Area, Changes, areas
from app.domain.errors import NotFound, UserFacingError
from app.domain.roles import Role
from app.services.actors import Actor, actor_for, add_user, hash_secret
from app.services.unit_of_work import UnitOfWork

CHANGES = areas(Area.USERS)
PIN_DIGITS = (4, 8)
PIN_RULE = f"A PIN is {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits, not all the same digit."


@dataclass(frozen=True)
class UserView:
    user_id: uuid.UUID
    username: str
    full_name: str
    role: Role
    active: bool
    created_at: datetime
    changes: Changes = field(default=CHANGES)

    @property
    def status(self) -> str:
        return "Active" if self.active else "Disabled"


def check_pin(pin: str) -> str:
    """The PIN rule, said the same way on every screen that asks for a new PIN."""
    low, high = PIN_DIGITS
    if not (pin.isascii() and pin.isdigit() and low <= len(pin) <= high) or len(set(pin)) == 1:
        raise UserFacingError(PIN_RULE)
    return pin


def list_users(uow: UnitOfWork, *, username: str | None) -> list[UserView]:
    """Everyone, active first, then by user name."""
    with uow:
        actor_for(uow, username, "manage_users")
        rows = uow.users.listed()
        return [view_of(row) for row in rows]


def create_user(
    uow: UnitOfWork,
    *,
    new_username: str,
    full_name: str,
    role: Role | str,
    pin: str,
    username: str | None,
) -> UserView:
    with uow:
        actor = actor_for(uow, username, "manage_users")
        row = add_user(
            uow,
            username=new_username,
            full_name=full_name,
            role=_role(role),
            secret=check_pin(pin),
            by=actor.user_id,
        )
        uow.commit()
        return view_of(row)


def set_user_active(
    uow: UnitOfWork, target: str, active: bool, *, username: str | None
) -> UserView:
    """Disable (they can no longer sign in or act) or enable again."""
    with uow:
        actor = actor_for(uow, username, "manage_users")
        row = find_user(uow, target)
        if row.active == active:
            state = "active" if active else "disabled"
            raise UserFacingError(f"User '{row.username}' is already {state}.")
        if not active:
            _guard_admins(uow, actor, row, "disable")
        row.active = active
        uow.audit(
            user_id=actor.user_id,
            action="user.enabled" if active else "user.disabled",
            entity="user",
            entity_id=row.id,
            before={"active": not active},
            after={"active": active},
        )
        uow.commit()
        return view_of(row)


def change_role(
    uow: UnitOfWork, target: str, role: Role | str, *, username: str | None
) -> UserView:
    with uow:
        actor = actor_for(uow, username, "manage_users")
        row = find_user(uow, target)
        new_role = _role(role)
        if row.role == new_role.value:
            raise UserFacingError(f"User '{row.username}' is already a {new_role.label.lower()}.")
        if new_role is not Role.ADMIN:
            _guard_admins(uow, actor, row, "demote")
        before = row.role
        row.role = new_role.value
        uow.audit(
            user_id=actor.user_id,
            action="user.role_changed",
            entity="user",
            entity_id=row.id,
            before={"role": before},
            after={"role": new_role.value},
        )
        uow.commit()
        return view_of(row)


def reset_pin(uow: UnitOfWork, target: str, new_pin: str, *, username: str | None) -> UserView:
    """Set a new PIN the user is told in person; the audit records that it changed, not it."""
    with uow:
        actor = actor_for(uow, username, "manage_users")
        row = find_user(uow, target)
        row.secret_hash = hash_secret(check_pin(new_pin))
        uow.audit(
            user_id=actor.user_id,
            action="user.pin_reset",
            entity="user",
            entity_id=row.id,
            after={"username": row.username},
        )
        uow.commit()
        return view_of(row)


def find_user(uow: UnitOfWork, username: str) -> User:
    name = (username or "").strip()
    row = uow.users.by_username(name)
    if row is None:
        raise NotFound(f"No user named '{name}'.")
    return row


def _guard_admins(uow: UnitOfWork, actor: Actor, row: User, verb: str) -> None:
    if row.id == actor.user_id:
        raise UserFacingError(f"You cannot {verb} yourself: ask another admin.")
    if row.role != Role.ADMIN.value or not row.active:
        return
    admins = uow.users.active_count(Role.ADMIN.value)
    if admins <= 1:
        raise UserFacingError(
            f"'{row.username}' is the last active admin: make someone else an admin first."
        )


def _role(role: Role | str) -> Role:
    return role if isinstance(role, Role) else Role.parse(role)


def view_of(row: User) -> UserView:
    return UserView(
        user_id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
    )
