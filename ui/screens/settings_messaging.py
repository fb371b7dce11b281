"""Settings > Messaging: when reminders may reach consumers (hours and rest days per place),
how many, and on which channels. Kept in the recovery database, where the recovery service
reads them, and saved at once with this page's own button."""

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.recovery.messaging_rules import CHANNELS, MessagingRules
from app.services.messaging_settings import rules_at, rules_problem, save_rules_at
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.screens.settings_fields import FieldRow, label, line_edit, lines_edit, lines_of
from ui.screens.settings_rules import spin_box
from ui.widgets.toast import show_toast

CHANNEL_CAPTIONS = {"email": "E-mail", "sms": "SMS", "whatsapp": "WhatsApp"}


class MessagingSection(QWidget):
    title = "Messaging"

    def __init__(self, context: ClientContext) -> None:
        super().__init__()
        self.setObjectName("settingsMessaging")
        self._context = context
        self.loaded: MessagingRules | None = None
        self.rows: dict[str, FieldRow] = {}
        self.form = QFormLayout()
        self.form.setVerticalSpacing(8)
        self.hours = line_edit("messagingHours", "Reminder hours", width=140)
        self._row("&Hours", "hours", self.hours, "local time, like 08:00-21:00")
        self.hours_by_place = lines_edit(
            "messagingHoursByPlace", "Reminder hours by place", height=70
        )
        self._row("Hours by &place", "hours_by_place", self.hours_by_place, None)
        self.weekend = line_edit("messagingWeekend", "Rest days", width=140)
        self._row("&Rest days", "weekend", self.weekend, "like sun, or sat,sun")
        self.weekends_by_place = lines_edit(
            "messagingWeekendsByPlace", "Rest days by place", height=70
        )
        self._row("Rest days b&y place", "weekends_by_place", self.weekends_by_place, None)
        self.per_day = spin_box("messagingPerDay", "Reminders per day", 1, 10, " a day")
        self._row("Per &day", "per_day", self.per_day, "per consumer, all channels together")
        self.per_week = spin_box("messagingPerWeek", "Reminders per 7 days", 1, 30, " in 7 days")
        self._row("Per &week", "per_week", self.per_week, "in any rolling seven days")
        self.channel_boxes = {c: self._channel_box(c) for c in CHANNELS}
        boxes = QWidget()
        row = QHBoxLayout(boxes)
        row.setContentsMargins(0, 0, 0, 0)
        for box in self.channel_boxes.values():
            row.addWidget(box)
        row.addStretch(1)
        self._row("&Channels", "channels", boxes, None)
        self._build()

    def _row(self, caption: str, key: str, editor: QWidget, note: str | None) -> None:
        hint = label(f"{editor.objectName()}Note", note, "muted") if note else None
        field = FieldRow(key, editor, hint)
        self.rows[key] = field
        self.form.addRow(caption, field)
        caption_label = self.form.labelForField(field)
        if caption_label is not None:
            caption_label.setBuddy(editor)  # type: ignore[attr-defined]

    def _channel_box(self, channel: str) -> QCheckBox:
        box = QCheckBox(CHANNEL_CAPTIONS[channel])
        box.setObjectName(f"messagingChannel_{channel}")
        box.setAccessibleName(f"Send reminders by {CHANNEL_CAPTIONS[channel]}")
        return box

    def _build(self) -> None:
        self.error = label("messagingError", "", "error")
        self.error.setWordWrap(True)
        self.save_button = QPushButton("Save messaging rules")
        self.save_button.setObjectName("messagingSaveButton")
        self.save_button.setAccessibleName("Save messaging rules")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.on_save_button_clicked)
        bar = QHBoxLayout()
        bar.addWidget(self.error, 1)
        bar.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.addWidget(label("settingsMessagingHeading", self.title, "subheading"))
        note = label(
            "messagingNote",
            "Places: a country (US) or country-region (US-CA), one per line with its value. "
            "Public holidays of each place are always quiet.",
            "muted",
        )
        note.setWordWrap(True)  # the page must fit beside the section list at 1024 px
        outer.addWidget(note)
        outer.addLayout(self.form)
        outer.addLayout(bar)
        outer.addStretch(1)

    # -- loading ---------------------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        self._context = context

    def refresh(self) -> None:
        url = self._context.counter.recovery_db_url()
        ServiceOp(self, lambda: rules_at(url), read=True).success(self.load).run()

    def load(self, rules: MessagingRules) -> None:
        self.loaded = rules
        data = rules.to_mapping()
        self.hours.setText(data["hours"])
        self.hours_by_place.setPlainText(_lines(data["hours_by_place"]))
        self.weekend.setText(data["weekend"])
        self.weekends_by_place.setPlainText(_lines(data["weekends_by_place"]))
        self.per_day.setValue(rules.per_day)
        self.per_week.setValue(rules.per_week)
        for channel, box in self.channel_boxes.items():
            box.setChecked(channel in rules.channels)
        self.show_problems({})

    # -- saving ----------------------------------------------------------------------------
    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Every rule as typed, and the fields that cannot be read at all."""
        unreadable: dict[str, str] = {}
        values: dict[str, Any] = {
            "hours": self.hours.text().strip(),
            "weekend": self.weekend.text().strip(),
            "per_day": self.per_day.value(),
            "per_week": self.per_week.value(),
            "channels": [c for c, box in self.channel_boxes.items() if box.isChecked()],
        }
        for key, edit in (
            ("hours_by_place", self.hours_by_place),
            ("weekends_by_place", self.weekends_by_place),
        ):
            try:
                values[key] = _places(lines_of(edit))
            except UserFacingError as error:
                unreadable[key] = error.message
        return values, unreadable

    def problems(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The changes, and each wrong field's message (tried alone, as the user reads it)."""
        values, problems = self.values()
        current = self.loaded or MessagingRules()
        saved = current.to_mapping()
        changes = {k: v for k, v in values.items() if saved.get(k) != v}
        for key, value in changes.items():
            why = rules_problem(current, {key: value})
            if why:
                problems[key] = why
        if not problems and changes:
            why = rules_problem(current, changes)  # wrong only together (per day > per week)
            if why:
                problems[""] = why
        return changes, problems

    def on_save_button_clicked(self) -> None:
        changes, problems = self.problems()
        self.show_problems(problems)
        if problems or not changes:
            return
        url, username = self._context.counter.recovery_db_url(), self._context.username or ""
        self.save_button.setEnabled(False)
        ServiceOp(self, lambda: save_rules_at(url, changes, username=username)).success(
            self._saved
        ).failure(self._refused).run()

    def _saved(self, rules: MessagingRules) -> None:
        self.save_button.setEnabled(True)
        self.load(rules)
        show_toast(self, "Messaging rules saved.")

    def _refused(self, error: UserFacingError) -> None:
        self.save_button.setEnabled(True)
        self.show_problems({"": error.message})

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, row in self.rows.items():
            row.show_error(problems.get(key))
        self.error.setText(problems.get("", ""))


def _lines(mapping: dict[str, str]) -> str:
    return "\n".join(f"{place} {value}" for place, value in mapping.items())


def _places(lines: list[str]) -> dict[str, str]:
    """'US-CA 09:00-20:00' (or 'US-CA=09:00-20:00') per line -> {'US-CA': '09:00-20:00'}."""
    found: dict[str, str] = {}
    for line in lines:
        place, _, value = line.replace("=", " ").partition(" ")
        if not value.strip():
            raise UserFacingError(
                f"Write '{line}' as a place and its value, like US-CA 09:00-20:00."
            )
        found[place.strip().upper()] = value.strip().replace(" ", "")
    return found
