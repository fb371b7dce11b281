"""First start of a counter: its terminal, default settings and the built-in admin."""

from dataclasses import dataclass

from app.db.database import Database
from app.db.tables import Terminal
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.roles import Role
from app.domain.settings import Settings
from app.services.actors import ADMIN_USERNAME, add_user
from app.services.unit_of_work import UnitOfWork


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
    return set_up(
        db.unit_of_work(),
        terminal_code=terminal_code,
        terminal_name=terminal_name,
        admin_secret=admin_secret,
        settings=settings,
    )


def set_up(
    uow: UnitOfWork,
    *,
    terminal_code: str,
    terminal_name: str,
    admin_secret: str,
    settings: Settings | None,
) -> SetupResult:
    """The terminal, the settings and the built-in admin in one transaction (once)."""
    code = terminal_code.strip().upper()
    if not code or len(code) > 8 or not code.isalnum():
        raise UserFacingError("A terminal code is 1-8 letters or digits, such as T01.")
    with uow:
        if uow.terminals.this_one() is not None:
            return SetupResult(uow.terminal().code, created=False)
        if uow.terminals.code_taken(code):
            raise UserFacingError(f"Terminal code {code} is already used.")
        terminal = Terminal(id=new_id(), code=code, name=terminal_name, created_at=uow.now())
        uow.terminals.add_this_one(terminal)
        uow.stored_settings.write((settings or Settings()).to_mapping(), uow.now())
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
