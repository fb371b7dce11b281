"""Who is acting: the signed-in (or named) user, resolved and checked once per use case."""

import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.db.tables import User
from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from app.domain.lockout import locked_message
from app.domain.roles import Role, require
from app.services import sign_in_guard
from app.services.unit_of_work import UnitOfWork

# Set only by the test suite (tests/conftest.py), for its own processes and the `tilldesk`
# commands it starts: new PINs are hashed with argon2's cheapest parameters, whose cost is not
# what the tests check (a real hash takes a good part of a second on a busy machine). A hash
# carries its parameters, so checking one never depends on this.
CHEAP_HASHES_VARIABLE = "TILLDESK_TEST_CHEAP_HASHES"
_hasher = (
    PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    if os.environ.get(CHEAP_HASHES_VARIABLE) == "1"
    else PasswordHasher()
)
ADMIN_USERNAME = "admin"
MIN_SECRET_LENGTH = 4


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    username: str
    full_name: str
    role: Role

    def require(self, action: str) -> None:
        require(self.role, action)


def actor_for(uow: UnitOfWork, username: str | None, action: str | None = None) -> Actor:
    """The active user with this username (the built-in admin when none is given)."""
    name = (username or ADMIN_USERNAME).strip()
    user = uow.users.by_username(name)
    if user is None:
        raise NotFound(f"No user named '{name}'.")
    if not user.active:
        raise PermissionDenied(f"User '{name}' is disabled.")
    actor = Actor(user.id, user.username, user.full_name, Role(user.role))
    if action is not None:
        actor.require(action)
    return actor


def hash_secret(secret: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        raise UserFacingError(f"A PIN or password needs at least {MIN_SECRET_LENGTH} characters.")
    return _hasher.hash(secret)


def authenticate(uow: UnitOfWork, username: str, secret: str) -> Actor:
    """Check a PIN or password at this terminal, with the lockout.

    The same message whether the user or the PIN is wrong. A refusal is counted, audited and
    committed before it is raised, so call this before the use case writes anything."""
    name = username.strip()
    sign_in_guard.check_not_locked(uow, name)
    user = uow.users.by_username(name)
    reason = None
    try:
        _hasher.verify(user.secret_hash if user is not None else _dummy_hash(), secret)
    except (VerificationError, InvalidHashError):
        reason = "wrong_secret"
    if user is None:
        reason = "unknown_user"
    elif not user.active:
        reason = "disabled"
    if reason is not None:
        wait = sign_in_guard.record_failure(
            uow, name, reason, user_id=user.id if user is not None else None
        )
        if wait > timedelta(0):
            raise UserFacingError(f"Wrong user name or PIN. {locked_message(wait)}")
        raise UserFacingError("Wrong user name or PIN.")
    assert user is not None
    sign_in_guard.record_success(uow, name)
    return Actor(user.id, user.username, user.full_name, Role(user.role))


@cache
def _dummy_hash() -> str:
    """Checked when the user does not exist, so the answer takes as long as for a real one."""
    return _hasher.hash(secrets.token_hex(16))


def add_user(
    uow: UnitOfWork,
    *,
    username: str,
    full_name: str,
    role: Role,
    secret: str,
    by: uuid.UUID | None,
) -> User:
    """Create a user inside the caller's unit of work (audited there)."""
    username = username.strip()
    if (
        not username
        or len(username) > 40
        or not username.replace(".", "").replace("_", "").isalnum()
    ):
        raise UserFacingError("A user name is 1-40 letters, digits, dots or underscores.")
    if not full_name.strip():
        raise UserFacingError("A user's full name is required.")
    if uow.users.by_username(username) is not None:
        raise UserFacingError(f"User name '{username}' is already taken.")
    from app.domain.ids import new_id

    user = User(
        id=new_id(),
        username=username,
        full_name=full_name.strip(),
        role=role.value,
        secret_hash=hash_secret(secret),
        active=True,
        created_at=uow.now(),
    )
    uow.users.add(user)
    uow.audit(
        user_id=by,
        action="user.created",
        entity="user",
        entity_id=user.id,
        after={"username": username, "full_name": user.full_name, "role": role.value},
    )
    return user


def sign_in(uow: UnitOfWork, username: str, secret: str) -> Actor:
    """The client's sign-in: checks the PIN or password with the lockout, audits the session
    start or the failure."""
    with uow:
        actor = authenticate(uow, username, secret)
        uow.audit(
            user_id=actor.user_id, action="user.signed_in", entity="user", entity_id=actor.user_id
        )
        uow.commit()
        return actor


def confirm_pin(uow: UnitOfWork, username: str | None, secret: str) -> Actor:
    """A command run as a user (the CLI's --user): the same check and lockout as the screens.
    A failure is audited; a success is not, since the command's own events name the user."""
    with uow:
        actor = authenticate(uow, (username or ADMIN_USERNAME), secret)
        uow.commit()  # a right PIN resets the count of wrong ones
        return actor
