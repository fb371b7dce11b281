"""Settings > Credit notes and Settings > Shifts: the limits supervisors are called in for."""

from typing import Any

from PySide6.QtWidgets import QCheckBox, QSpinBox

from app.domain.settings import Settings
from ui.screens.settings_fields import (
    SettingsSection,
    label,
    lines_edit,
    lines_of,
    money_edit,
    money_text,
)


def spin_box(name: str, accessible: str, low: int, high: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setRange(low, high)
    box.setSuffix(suffix)
    box.setMaximumWidth(180)
    return box


class CreditNotesSection(SettingsSection):
    title = "Credit notes"
    name = "settingsCreditNotes"

    def __init__(self) -> None:
        super().__init__()
        self.reasons = lines_edit(
            "creditNoteReasons", "Credit-note reasons, one per line", height=150
        )
        self.add_row(
            "&Reasons",
            "credit_note_reasons",
            self.reasons,
            label("reasonsNote", "one per line; Overpayment is required", "muted"),
        )
        self.expiry = spin_box("creditNoteExpiry", "Credit-note expiry in days", 1, 3650, " days")
        self.add_row("&Expiry", "credit_note_expiry_days", self.expiry)
        self.approval = money_edit("creditNoteApproval", "Approval amount")
        self.add_row(
            "&Approval above",
            "credit_note_approval_minor",
            self.approval,
            label("approvalNote", "larger credit notes wait for a billing manager", "muted"),
        )
        self.changed_signal(
            self.reasons.textChanged, self.expiry.valueChanged, self.approval.textEdited
        )

    def load(self, settings: Settings) -> None:
        super().load(settings)
        self.reasons.setPlainText("\n".join(settings.credit_note_reasons))
        self.expiry.setValue(settings.credit_note_expiry_days)
        self.approval.setText(money_text(settings.credit_note_approval_minor, settings.currency))

    def values(self) -> dict[str, Any]:
        currency = self.loaded.currency if self.loaded else "USD"
        values: dict[str, Any] = {
            "credit_note_reasons": lines_of(self.reasons),
            "credit_note_expiry_days": self.expiry.value(),
        }
        approval = self.money_value(
            "credit_note_approval_minor", self.approval, "The approval amount", currency
        )
        if approval is not None:
            values["credit_note_approval_minor"] = approval
        return values


class ShiftsSection(SettingsSection):
    title = "Shifts"
    name = "settingsShifts"

    def __init__(self) -> None:
        super().__init__()
        self.difference = money_edit("shiftDifference", "Shift difference threshold")
        self.add_row(
            "&Difference threshold",
            "shift_difference_threshold_minor",
            self.difference,
            label("differenceNote", "a larger count difference needs a supervisor", "muted"),
        )
        self.blind = QCheckBox("Blind count")
        self.blind.setObjectName("blindShiftClose")
        self.blind.setAccessibleName("Blind shift close")
        self.blind.setMaximumWidth(self.blind.sizeHint().width())  # the note right beside it
        self.add_row(
            "Close &count",
            "blind_shift_close",
            self.blind,
            label(
                "blindNote", "expected amounts are shown only after the drawer is counted", "muted"
            ),
        )
        self.idle_lock = spin_box("idleLock", "Idle lock in minutes", 1, 240, " minutes")
        self.add_row(
            "&Lock after",
            "idle_lock_minutes",
            self.idle_lock,
            label("idleNote", "without a key press or click", "muted"),
        )
        self.changed_signal(
            self.difference.textEdited, self.blind.toggled, self.idle_lock.valueChanged
        )

    def load(self, settings: Settings) -> None:
        super().load(settings)
        self.difference.setText(
            money_text(settings.shift_difference_threshold_minor, settings.currency)
        )
        self.blind.setChecked(settings.blind_shift_close)
        self.idle_lock.setValue(settings.idle_lock_minutes)

    def values(self) -> dict[str, Any]:
        currency = self.loaded.currency if self.loaded else "USD"
        values: dict[str, Any] = {
            "idle_lock_minutes": self.idle_lock.value(),
            "blind_shift_close": self.blind.isChecked(),
        }
        difference = self.money_value(
            "shift_difference_threshold_minor",
            self.difference,
            "The shift difference threshold",
            currency,
        )
        if difference is not None:
            values["shift_difference_threshold_minor"] = difference
        return values
