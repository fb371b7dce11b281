"""The Settings > Users table: one row per user of this counter."""

from collections.abc import Callable
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt

from app.services.users import UserView
from ui.models.rows_model import RowsModel

# The columns, left to right (Vorta's style: code names a column, never a bare number).
UserColumn = IntEnum("UserColumn", "USERNAME FULL_NAME ROLE STATUS CREATED", start=0)
HEADERS = ("User name", "Full name", "Role", "Status", "Created")


class UsersModel(RowsModel[UserView]):
    columns = UserColumn
    headers = HEADERS

    def __init__(self, day: Callable[[date], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.day = day  # how the counter writes a date

    @property
    def users(self) -> list[UserView]:
        return self.rows

    def text(self, row: UserView, column: UserColumn) -> str:
        if column is UserColumn.USERNAME:
            return row.username
        if column is UserColumn.FULL_NAME:
            return row.full_name
        if column is UserColumn.ROLE:
            return row.role.label
        if column is UserColumn.STATUS:
            return row.status
        return self.day(row.created_at.date())

    def look(self, row: UserView, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return Qt.GlobalColor.gray  # a disabled user reads greyed out
        return None
