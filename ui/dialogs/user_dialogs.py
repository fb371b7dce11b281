"""Admin dialogs for users: create one, reset a PIN, change a role. Each saves through the
users service and shows what is wrong beside the field it is about."""

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.domain.errors import UserFacingError
from app.domain.roles import Role
from app.services.users import UserView, change_role, check_pin, create_user, reset_pin
from ui.context import ClientContext
from ui.dialogs.fields_dialog import FieldsDialog
from ui.screens.settings_fields import label, line_edit


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


class _UserDialog(FieldsDialog):
    """A user's fields; the dialog closes only when the users service saved them."""

    user_saved = Signal(object)  # UserView

    def __init__(self, context: ClientContext, title: str, parent: QWidget | None) -> None:
        super().__init__(
            parent,
            title=title,
            width=460,
            names=("userDialogHeading", "userFormError", "userSaveButton"),
        )
        self._context = context

    def saved(self, result: UserView) -> None:
        self.user_saved.emit(result)


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
