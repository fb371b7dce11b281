"""The dialog that edits a record through a service: a form of fields with a message under
each, Save and Cancel; it saves off the GUI thread and closes only when the save succeeded."""

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from app.domain.errors import UserFacingError
from ui.ops import ServiceOp
from ui.screens.settings_fields import FieldRow
from ui.widgets.form_dialog import Button, FormDialog


class FieldsDialog(FormDialog):
    """Subclasses add rows, say what is wrong before saving (`problems`), what saving calls
    (`call`), which field a refusal is about (`field_of`) and what a success hands on
    (`saved`)."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        width: int,
        names: tuple[str, str, str],  # heading, form error, Save button
    ) -> None:
        heading_name, error_name, save_name = names
        super().__init__(
            parent,
            name="",
            title=title,
            heading_role="subheading",
            width=width,
            ok=Button.Save,
            error_name=error_name,
        )
        self.heading.setObjectName(heading_name)
        self._busy = False
        self.rows: dict[str, FieldRow] = {}
        self.form.setVerticalSpacing(8)
        self.form_error = self.error
        self.save_button = self.ok_button
        self.save_button.setObjectName(save_name)

    def add_row(self, caption: str, key: str, editor: QWidget, note: QWidget | None = None) -> None:
        row = FieldRow(key, editor, note)
        self.rows[key] = row
        self.add_field(caption, row, editor)

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, row in self.rows.items():
            row.show_error(problems.get(key))
        self.form_error.setText(problems.get("", ""))

    # -- what subclasses say ---------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        return {}

    def call(self) -> Callable[[], Any]:
        raise NotImplementedError

    def field_of(self, message: str) -> str:
        """Which field a refusal from the service is about ("" for the form)."""
        return ""

    def saved(self, result: Any) -> None:
        """Hand the saved record on (emit the dialog's signal)."""

    # -- saving ------------------------------------------------------------------------------
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

    def _saved(self, result: object) -> None:
        self._busy = False
        self.saved(result)
        self.accept()

    def _refused(self, error: UserFacingError) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self.show_problems({self.field_of(error.message): error.message})
