"""A status badge: a rounded label whose colours come from its tone in the stylesheet
(`QLabel[role="badge"][tone="good"]` ...), readable on white and distinct without colour."""

from PySide6.QtWidgets import QLabel

from ui.widgets.style import restyle

TONES = ("good", "warn", "bad", "info")


def badge(text: str, tone: str, name: str = "") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setProperty("role", "badge")
    set_badge(label, text, tone)
    return label


def set_badge(label: QLabel, text: str, tone: str) -> None:
    if tone not in TONES:
        raise ValueError(f"unknown badge tone {tone!r}")
    label.setText(text)
    label.setAccessibleName(text)
    restyle(label, role="badge", tone=tone)
