"""Reading the counter's settings (changing them arrives with the settings screen)."""

from app.db.unit_of_work import UnitOfWork
from app.domain.settings import Settings


def current_settings(uow: UnitOfWork) -> Settings:
    with uow:
        return uow.settings()
