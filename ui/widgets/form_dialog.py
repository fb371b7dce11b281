"""The dialog shape every small form repeats: a heading, a few lines, a form, an error label
and OK/Cancel; subclasses add fields and say what OK does."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.style import role_label

Button = QDialogButtonBox.StandardButton


class FormDialog(QDialog):
    """heading / lines added with `add_line` / form / lines added with `add_below` / error /
    buttons. Enter presses OK, which calls `on_buttons_accepted`; Esc and Cancel reject."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        heading: str | None = None,
        heading_role: str = "heading",
        width: int = 420,
        ok: Button = Button.Ok,
        error_name: str,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.heading = role_label(heading if heading is not None else title, heading_role)
        self.form = QFormLayout()
        self.error = role_label("", "error", name=error_name)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(ok | Button.Cancel)
        self.ok_button: QPushButton = self.buttons.button(ok)
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._layout = QVBoxLayout(self)
        for part in (self.heading, self.form, self.error):
            self._add(part)
        self._layout.addStretch(1)
        self._layout.addWidget(self.buttons)
        self._lines = 0

    def _add(self, part: QWidget | QFormLayout) -> None:
        if isinstance(part, QFormLayout):
            self._layout.addLayout(part)
        else:
            self._layout.addWidget(part)

    def name_ok(self, text: str | None, name: str, accessible: str | None = None) -> QPushButton:
        """Caption (None keeps the standard one), object name and accessible name of OK."""
        if text is not None:
            self.ok_button.setText(text)
        self.ok_button.setObjectName(name)
        if accessible is not None:
            self.ok_button.setAccessibleName(accessible)
        self.ok_button.setProperty("role", "primary")
        return self.ok_button

    def add_line(self, widget: QWidget) -> QWidget:
        """A line between the heading and the form (a reason, a hint), in the order added."""
        self._lines += 1
        self._layout.insertWidget(self._lines, widget)
        return widget

    def add_below(self, widget: QWidget) -> QWidget:
        """A line between the form and the error label."""
        self._layout.insertWidget(self._layout.indexOf(self.error), widget)
        return widget

    def add_field(self, caption: str, field: QWidget, buddy: QWidget | None = None) -> QLabel:
        """A form row whose caption's mnemonic (&) moves the focus to `buddy` or the field."""
        label = QLabel(caption)
        label.setBuddy(buddy or field)
        self.form.addRow(label, field)
        return label

    def on_buttons_accepted(self) -> None:
        self.accept()
