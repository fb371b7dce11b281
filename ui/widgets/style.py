"""Widgets take their look from resources/styles/tilldesk.qss through dynamic properties
(`role`, `invalid`, `tone` ...): Python says what a widget is, the stylesheet how it looks."""

from functools import cache

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget


def restyle(widget: QWidget, **properties: object) -> None:
    """Set style properties and re-apply the stylesheet (Qt does not on its own)."""
    for name, value in properties.items():
        widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    # Polishing alone leaves a label's (QFrame's) padding and border width as they were: a
    # label turned from role "error" into "notice" drew its box tight around the text.
    QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))
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
    return QColor(tone_colours(tone)[1])


def tone_colours(tone: str) -> tuple[str, str]:
    """(background, text) the stylesheet gives `QLabel[tone="..."]`, as "#rrggbb" names; without
    the stylesheet, the plain window and text colours. Cached: table models ask per cell."""
    app = QApplication.instance()
    return _probe(tone, app.styleSheet() if isinstance(app, QApplication) else "")


@cache
def _probe(tone: str, sheet: str) -> tuple[str, str]:
    # The sheet is part of the key so that a stylesheet set later (tests, theme) is seen.
    del sheet
    probe = QLabel()
    probe.setProperty("tone", tone)
    probe.ensurePolished()
    palette = probe.palette()
    return (
        palette.color(QPalette.ColorRole.Window).name(),
        palette.color(QPalette.ColorRole.WindowText).name(),
    )
