"""Widgets take their look from resources/styles/tilldesk.qss through dynamic properties
(`role`, `invalid`, `tone` ...): Python says what a widget is, the stylesheet how it looks."""

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget


def restyle(widget: QWidget, **properties: object) -> None:
    """Set style properties and re-apply the stylesheet (Qt does not on its own)."""
    for name, value in properties.items():
        widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def role_label(text: str = "", role: str | None = None, *, name: str = "") -> QLabel:
    """A label with an optional object name and stylesheet role."""
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    return label


def stylesheet_colour(tone: str) -> QColor:
    """The text colour the stylesheet gives `QLabel[tone="..."]`, for what a stylesheet cannot
    reach (tree items, chart pens); without the stylesheet, the plain text colour."""
    probe = QLabel()
    probe.setProperty("tone", tone)
    probe.ensurePolished()
    return probe.palette().color(QPalette.ColorRole.WindowText)
