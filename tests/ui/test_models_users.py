"""The Settings > Users table model, read without a window: what each column says."""

import uuid
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt

from app.domain.roles import Role
from app.services.users import UserView
from ui.models.users_model import UserColumn, UsersModel

DISPLAY = Qt.ItemDataRole.DisplayRole


def user(username: str, full_name: str, role: Role, *, active: bool = True) -> UserView:
    created = datetime(2025, 4, 20, 9, 30, tzinfo=UTC)
    return UserView(uuid.uuid4(), username, full_name, role, active, created)


def cells(model: UsersModel, row: int) -> list[str]:
    return [model.data(model.index(row, column), DISPLAY) for column in UserColumn]


def test_each_user_reads_as_a_row_with_the_counters_date_format():
    model = UsersModel(lambda day: day.strftime("%b %d, %Y"))
    model.set_rows([user("jsmith", "Jane Smith", Role.CASHIER)])
    headers = [model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in UserColumn]
    assert headers == ["User name", "Full name", "Role", "Status", "Created"]
    assert model.rowCount() == 1 and model.columnCount() == len(UserColumn)
    assert cells(model, 0) == ["jsmith", "Jane Smith", Role.CASHIER.label, "Active", "Apr 20, 2025"]


def test_a_disabled_user_says_so_and_reads_greyed_out():
    model = UsersModel(date.isoformat)
    model.set_rows(
        [
            user("jsmith", "Jane Smith", Role.CASHIER),
            user("old", "Old Hand", Role.CASHIER, active=False),
        ]
    )
    assert cells(model, 1)[UserColumn.STATUS] == "Disabled"
    grey = model.data(model.index(1, UserColumn.USERNAME), Qt.ItemDataRole.ForegroundRole)
    assert grey == Qt.GlobalColor.gray
    assert model.data(model.index(0, UserColumn.USERNAME), Qt.ItemDataRole.ForegroundRole) is None


def test_new_rows_replace_the_old_ones_and_a_row_outside_is_none():
    model = UsersModel(date.isoformat)
    model.set_rows([user("a", "A", Role.CASHIER), user("b", "B", Role.CASHIER)])
    model.set_rows([user("c", "C", Role.CASHIER)])
    assert model.rowCount() == 1
    assert model.row_at(0).username == "c" and model.row_at(1) is None and model.row_at(-1) is None
