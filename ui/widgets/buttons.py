"""Buttons of the widget kit: a named push button, a link-looking one, and the danger role
that must not outlive the enabled state."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ui.widgets.style import restyle


def push_button(name: str, text: str, accessible: str, role: str | None = None) -> QPushButton:
    """A button with its object name, accessible name and optional stylesheet role."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    if role:
        button.setProperty("role", role)
    return button


def link_button(name: str, text: str, accessible: str) -> QPushButton:
    """A button that reads as a link (role "link" in the stylesheet)."""
    button = push_button(name, text, accessible, "link")
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def enable_danger(button: QPushButton, enabled: bool) -> None:
    """A disabled danger button must look disabled: the danger role outranks :disabled."""
    button.setEnabled(enabled)
    if button.property("role") != ("danger" if enabled else None):
        restyle(button, role="danger" if enabled else None)
