"""First start of a counter: its terminal, default settings and the built-in admin."""

import json
from dataclasses import dataclass

from sqlalchemy import select

from app.db.database import Database
from app.db.tables import LocalState, Setting, Terminal
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.roles import Role
from app.domain.settings import Settings
from app.services.actors import ADMIN_USERNAME, add_user


@dataclass(frozen=True)
class SetupResult:
    terminal_code: str
    created: bool  # False when the database was already set up


def initialise(
    db: Database,
    *,
    terminal_code: str = "T01",
    terminal_name: str = "Counter 1",
    admin_secret: str = "0000",
    settings: Settings | None = None,
) -> SetupResult:
    code = terminal_code.strip().upper()
    if not code or len(code) > 8 or not code.isalnum():
        raise UserFacingError("A terminal code is 1-8 letters or digits, such as T01.")
    with db.unit_of_work() as uow:
        existing = uow.session.get(LocalState, "terminal_id")
        if existing is not None:
            return SetupResult(uow.terminal().code, created=False)
        if uow.session.scalar(select(Terminal.id).where(Terminal.code == code)) is not None:
            raise UserFacingError(f"Terminal code {code} is already used.")
        terminal = Terminal(id=new_id(), code=code, name=terminal_name, created_at=uow.now())
        uow.session.add(terminal)
        uow.session.add(LocalState(key="terminal_id", value=str(terminal.id)))
        uow.session.flush()
        for key, value in (settings or Settings()).to_mapping().items():
            uow.session.add(
                Setting(key=key, value_json=json.dumps(value), version=1, updated_at=uow.now())
            )
        uow.audit(
            user_id=None,
            action="terminal.initialised",
            entity="terminal",
            entity_id=terminal.id,
            after={"code": code, "name": terminal_name},
        )
        add_user(
            uow,
            username=ADMIN_USERNAME,
            full_name="Administrator",
            role=Role.ADMIN,
            secret=admin_secret,
            by=None,
        )
        uow.commit()
    return SetupResult(code, created=True)
