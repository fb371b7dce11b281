"""Settings > Users: who may sign in at this counter, in which role; create, disable or
enable, change role, reset PIN. Each action is saved at once (not by the Save button)."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.services.users import UserView, list_users, set_user_active
from ui.context import ClientContext
from ui.dialogs.user_dialogs import ChangeRoleDialog, NewUserDialog, ResetPinDialog
from ui.ops import ServiceOp
from ui.screens.settings_fields import label
from ui.widgets.toast import show_toast

COLUMNS = ("username", "full_name", "role", "status", "created")
HEADERS = {
    "username": "User name",
    "full_name": "Full name",
    "role": "Role",
    "status": "Status",
    "created": "Created",
}
_Index = QModelIndex | QPersistentModelIndex


class UsersModel(QAbstractTableModel):
    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.users: list[UserView] = []

    def set_users(self, users: list[UserView]) -> None:
        self.beginResetModel()
        self.users = users
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.users)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[COLUMNS[section]]
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        user = self.users[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(user, COLUMNS[index.column()])
        if role == Qt.ItemDataRole.ForegroundRole and not user.active:
            return Qt.GlobalColor.gray
        return None

    def text(self, user: UserView, column: str) -> str:
        if column == "role":
            return user.role.label
        if column == "status":
            return user.status
        if column == "created":
            return self._context.day(user.created_at.date())
        return str(getattr(user, column))


class UsersSection(QWidget):
    title = "Users"

    def __init__(self, context: ClientContext) -> None:
        super().__init__()
        self.setObjectName("settingsUsers")
        self._context = context
        self.model = UsersModel(context, self)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        self.table.setAccessibleName("Users")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.new_button = self._button("newUserButton", "&New user…", self.on_new_button_clicked)
        self.role_button = self._button(
            "changeRoleButton", "Change &role…", self.on_role_button_clicked
        )
        self.pin_button = self._button("resetPinButton", "Reset &PIN…", self.on_pin_button_clicked)
        self.active_button = self._button(
            "disableUserButton", "&Disable", self.on_active_button_clicked
        )
        self.message = label("usersMessage", "", "error")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.role_button, self.pin_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(label("settingsUsersHeading", "Users", "subheading"))
        layout.addWidget(
            label(
                "usersNote",
                "Changes here are saved at once. A disabled user can no longer sign in.",
                "muted",
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.model._context = context

    # -- reading -----------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        counter, username = self._context.counter, self._context.username
        chosen = select or (self.selected.username if self.selected else None)
        ServiceOp(self, lambda: list_users(counter.read(), username=username), read=True).success(
            lambda users: self._show(users, chosen)
        ).failure(self._refused).run()

    def _show(self, users: list[UserView], chosen: str | None) -> None:
        self.model.set_users(users)
        row = next((i for i, u in enumerate(users) if u.username == chosen), 0)
        if users:
            self.table.selectRow(row)
        self._update_buttons()

    @property
    def selected(self) -> UserView | None:
        row = self.table.currentIndex().row()
        return self.model.users[row] if 0 <= row < len(self.model.users) else None

    def _update_buttons(self, *_args: object) -> None:
        user = self.selected
        for button in (self.role_button, self.pin_button, self.active_button):
            button.setEnabled(user is not None)
        enable = user is not None and not user.active
        self.active_button.setText("&Enable" if enable else "&Disable")
        self.active_button.setAccessibleName("Enable" if enable else "Disable")

    # -- actions -------------------------------------------------------------------------------
    def on_new_button_clicked(self) -> None:
        self._open(NewUserDialog(self._context, self), "created")

    def on_role_button_clicked(self) -> None:
        if self.selected:
            self._open(ChangeRoleDialog(self._context, self.selected, self), "changed")

    def on_pin_button_clicked(self) -> None:
        if self.selected:
            self._open(ResetPinDialog(self._context, self.selected, self), "given a new PIN")

    def _open(self, dialog: QDialog, verb: str) -> None:
        dialog.user_saved.connect(lambda user: self._done(user, verb))  # type: ignore[attr-defined]
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def on_active_button_clicked(self) -> None:
        user = self.selected
        if user is None:
            return
        counter, by, active = self._context.counter, self._context.username, not user.active
        ServiceOp(
            self, lambda: set_user_active(counter.write(), user.username, active, username=by)
        ).success(lambda u: self._done(u, "enabled" if active else "disabled")).failure(
            self._refused
        ).run()

    def _done(self, user: UserView, verb: str) -> None:
        self.message.setText("")
        show_toast(self, f"User {user.username} {verb}.")
        self.refresh(select=user.username)

    def _refused(self, error: UserFacingError) -> None:
        self.message.setText(error.message)
