"""Settings > Users: who may sign in at this counter, in which role; create, disable or
enable, change role, reset PIN. Each action is saved at once (not by the Save button)."""

from PySide6.QtWidgets import QDialog

from app.domain.errors import UserFacingError
from app.services.users import UserView, list_users, set_user_active
from ui.context import ClientContext
from ui.dialogs.user_dialogs import ChangeRoleDialog, NewUserDialog, ResetPinDialog
from ui.models.users_model import UsersModel
from ui.ops import ServiceOp
from ui.widgets.list_with_actions import ListWithActions
from ui.widgets.toast import show_toast


class UsersSection(ListWithActions):
    title = "Users"

    def __init__(self, context: ClientContext) -> None:
        self._context = context
        self.model = UsersModel(context.day)
        super().__init__(
            name="settingsUsers",
            heading=("settingsUsersHeading", "Users"),
            note=(
                "usersNote",
                "Changes here are saved at once. A disabled user can no longer sign in.",
            ),
            model=self.model,
            table_name="usersTable",
            table_accessible="Users",
            message_name="usersMessage",
        )
        self.model.setParent(self)
        self.table.setAlternatingRowColors(True)
        self.stretch_columns()
        self.selection_changed.connect(self._update_buttons)
        self.new_button = self.add_action("newUserButton", "&New user…", self.on_new_button_clicked)
        self.role_button = self.add_action(
            "changeRoleButton", "Change &role…", self.on_role_button_clicked
        )
        self.pin_button = self.add_action(
            "resetPinButton", "Reset &PIN…", self.on_pin_button_clicked
        )
        self.active_button = self.add_action(
            "disableUserButton", "&Disable", self.on_active_button_clicked
        )
        self._update_buttons()

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.model.day = context.day

    # -- reading -----------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        counter, username = self._context.counter, self._context.username
        chosen = select or (self.selected.username if self.selected else None)
        ServiceOp(self, lambda: list_users(counter.read(), username=username), read=True).success(
            lambda users: self._show(users, chosen)
        ).failure(self._refused).run()

    def _show(self, users: list[UserView], chosen: str | None) -> None:
        self.model.set_rows(users)
        row = next((i for i, u in enumerate(users) if u.username == chosen), 0)
        if users:
            self.table.selectRow(row)
        self._update_buttons()

    @property
    def selected(self) -> UserView | None:
        return self.model.row_at(self.current_row())

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
