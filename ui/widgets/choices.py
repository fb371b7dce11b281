"""A named, accessible combo box of (text, value) choices: the filters and selectors of lists."""

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget


def choices_combo(
    parent: QWidget,
    name: str,
    accessible: str,
    choices: Iterable[tuple[str, object]],
    default: int = 0,
) -> QComboBox:
    """`choices` as items whose data is the value; `default` selected."""
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    for text, value in choices:
        combo.addItem(text, value)
    combo.setCurrentIndex(default)
    return combo
