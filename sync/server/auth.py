"""Who may call the server: terminals by bearer token, admins by password (HTTP Basic).

A terminal token is 32 random bytes; only its sha256 is stored. A slow hash buys nothing for a
secret with 256 bits of entropy, and sha256 lets the token be looked up by an index.
Admin passwords are people's words, so they get argon2id.
"""

import hashlib
import hmac
import os
import secrets
import uuid
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import Connection, select

from sync.server.ratelimit import argon2_slot
from sync.server.tables import admins, terminals

# Cheap argon2 parameters only in the test suite's processes (app/services/actors.py says why).
_hasher = (
    PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    if os.environ.get("TILLDESK_TEST_CHEAP_HASHES") == "1"
    else PasswordHasher()
)


@cache
def _dummy_hash() -> str:
    """Verified when the admin does not exist, so the answer takes as long as for a real one;
    made at the first sign-in, not when the server starts."""
    return _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class TerminalIdentity:
    id: uuid.UUID
    code: str
    active: bool = True  # False until the counter confirmed it stored its token


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def terminal_for_token(connection: Connection, token: str) -> TerminalIdentity | None:
    wanted = token_hash(token)
    row = connection.execute(
        select(terminals.c.id, terminals.c.code, terminals.c.token_hash, terminals.c.status).where(
            terminals.c.token_hash == wanted
        )
    ).first()
    if row is None or not hmac.compare_digest(row.token_hash, wanted):
        return None
    return TerminalIdentity(row.id, row.code, active=row.status == "active")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def admin_password_ok(connection: Connection, username: str, password: str) -> bool:
    return password_matches(admin_password_hash(connection, username), password)


def admin_password_hash(connection: Connection, username: str) -> str | None:
    if "\x00" in username:  # PostgreSQL text cannot hold it, so no admin has it
        username = ""
    return connection.scalar(select(admins.c.password_hash).where(admins.c.username == username))


def password_matches(stored: str | None, password: str) -> bool:
    """Argon2 takes 64 MiB: at most ARGON2_SLOTS run at once (HashingBusy when all stay
    taken). Call it without holding a database connection, since it may wait."""
    try:
        with argon2_slot():
            return _hasher.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, InvalidHashError):
        return False
