"""Admin dialogs for users: create one, reset a PIN, change a role. Each saves through the
users service and shows what is wrong beside the field it is about."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.roles import Role
from app.services.users import UserView, change_role, check_pin, create_user, reset_pin
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.screens.settings_fields import FieldRow, label, line_edit


def _pin_edit(name: str, accessible: str) -> QLineEdit:
    edit = line_edit(name, accessible, width=160)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(8)
    return edit


def role_box(name: str = "userRole") -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName("Role")
    box.setFixedWidth(220)
    for role in Role:
        box.addItem(role.label, role.value)
    return box


class _UserDialog(QDialog):
    """Fields in a form, a message under each, Save and Cancel; the service call runs off the
    GUI thread and the dialog closes only when it succeeded."""

    user_saved = Signal(object)  # UserView

    def __init__(self, context: ClientContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._context = context
        self._busy = False
        self.rows: dict[str, FieldRow] = {}
        self.form = QFormLayout()
        self.form.setVerticalSpacing(8)
        self.form_error = label("userFormError", "", "error")
        self.form_error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("userSaveButton")
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        heading = label("userDialogHeading", title, "subheading")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def add_row(self, caption: str, key: str, editor: QWidget, note: QWidget | None = None) -> None:
        row = FieldRow(key, editor, note)
        self.rows[key] = row
        self.form.addRow(caption, row)
        caption_label = self.form.labelForField(row)
        if isinstance(caption_label, QLabel):
            caption_label.setBuddy(editor)

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, row in self.rows.items():
            row.show_error(problems.get(key))
        self.form_error.setText(problems.get("", ""))

    # -- saving ------------------------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        return {}

    def call(self) -> Callable[[], Any]:
        raise NotImplementedError

    def field_of(self, message: str) -> str:
        """Which field a refusal from the service is about ("" for the form)."""
        return ""

    def on_buttons_accepted(self) -> None:
        if self._busy:
            return
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            return
        self._busy = True
        self.save_button.setEnabled(False)
        ServiceOp(self, self.call()).success(self._saved).failure(self._refused).run()

    def _saved(self, user: UserView) -> None:
        self._busy = False
        self.user_saved.emit(user)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self.show_problems({self.field_of(error.message): error.message})


def _pin_problems(pin: QLineEdit, again: QLineEdit) -> dict[str, str]:
    try:
        check_pin(pin.text())
    except UserFacingError as error:
        return {"pin": error.message}
    if pin.text() != again.text():
        return {"pin_again": "The two PINs are not the same."}
    return {}


class NewUserDialog(_UserDialog):
    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "New user", parent)
        self.setObjectName("newUserDialog")
        self.username = line_edit("newUsername", "User name", width=220)
        self.username.setMaxLength(40)
        self.add_row("&User name", "username", self.username)
        self.full_name = line_edit("newFullName", "Full name")
        self.add_row("&Full name", "full_name", self.full_name)
        self.role = role_box("newUserRole")
        self.add_row("&Role", "role", self.role)
        self.pin = _pin_edit("newPin", "PIN")
        self.add_row("&PIN", "pin", self.pin, label("pinRule", "4 to 8 digits", "muted"))
        self.pin_again = _pin_edit("newPinAgain", "PIN again")
        self.add_row("PIN &again", "pin_again", self.pin_again)
        self.username.setFocus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.username.text().strip():
            problems["username"] = "Enter a user name, such as jdoe."
        if not self.full_name.text().strip():
            problems["full_name"] = "Enter the person's full name."
        return {**problems, **_pin_problems(self.pin, self.pin_again)}

    def call(self) -> Callable[[], UserView]:
        counter, by = self._context.counter, self._context.username
        username, full_name = self.username.text(), self.full_name.text()
        role, pin = self.role.currentData(), self.pin.text()
        return lambda: create_user(
            counter.write(),
            new_username=username,
            full_name=full_name,
            role=role,
            pin=pin,
            username=by,
        )

    def field_of(self, message: str) -> str:
        text = message.casefold()
        if "user name" in text:
            return "username"
        if "full name" in text:
            return "full_name"
        return "pin" if "pin" in text else ""


class ResetPinDialog(_UserDialog):
    def __init__(self, context: ClientContext, user: UserView, parent: QWidget | None = None):
        super().__init__(context, f"Reset PIN — {user.full_name} ({user.username})", parent)
        self.setObjectName("resetPinDialog")
        self._user = user
        self.pin = _pin_edit("resetPin", "New PIN")
        self.add_row("New &PIN", "pin", self.pin, label("pinRule", "4 to 8 digits", "muted"))
        self.pin_again = _pin_edit("resetPinAgain", "New PIN again")
        self.add_row("PIN &again", "pin_again", self.pin_again)
        self.pin.setFocus()

    def problems(self) -> dict[str, str]:
        return _pin_problems(self.pin, self.pin_again)

    def call(self) -> Callable[[], UserView]:
        counter, by = self._context.counter, self._context.username
        target, pin = self._user.username, self.pin.text()
        return lambda: reset_pin(counter.write(), target, pin, username=by)

    def field_of(self, message: str) -> str:
        return "pin" if "pin" in message.casefold() else ""


class ChangeRoleDialog(_UserDialog):
    def __init__(self, context: ClientContext, user: UserView, parent: QWidget | None = None):
        super().__init__(context, f"Change role — {user.full_name} ({user.username})", parent)
        self.setObjectName("changeRoleDialog")
        self._user = user
        self.role = role_box("changeRole")
        self.role.setCurrentIndex(max(self.role.findData(user.role.value), 0))
        self.add_row("&Role", "role", self.role)
        self.role.setFocus()

    def call(self) -> Callable[[], UserView]:
        counter, by = self._context.counter, self._context.username
        target, role = self._user.username, self.role.currentData()
        return lambda: change_role(counter.write(), target, role, username=by)

    def field_of(self, message: str) -> str:
        return "role"
