"""Special circumstances and payment preferences on a consumer's profile: which apply (ticked
with Space), a note, the preferred channel, time of day and language. The recovery service
respects them: no automatic charge before review for medical, hardship or bereavement."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from app.domain.disputes import CIRCUMSTANCE_WORDS, NEEDS_REVIEW, Circumstance, time_window_problem
from app.services.circumstances import CircumstancesRequest, CircumstancesView, set_circumstances
from ui.context import ClientContext
from ui.dialogs.dispute_dialogs import show_problems_in_view
from ui.dialogs.fields_dialog import FieldsDialog
from ui.screens.settings_fields import label, line_edit

CHANNEL_WORDS = (
    ("", "No preference"),
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("whatsapp", "WhatsApp"),
)


def _buddy(caption: QWidget | None, target: QWidget) -> None:
    """A row whose field is a group: its caption's mnemonic moves the focus to `target`."""
    if isinstance(caption, QLabel):
        caption.setBuddy(target)


class CircumstancesDialog(FieldsDialog):
    circumstances_saved = Signal(object)  # CircumstancesView

    def __init__(
        self, context: ClientContext, current: CircumstancesView, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            parent,
            title=f"Special circumstances of {current.account_number}",
            width=600,  # the time row's example is read whole, not cut off
            names=("circumstancesHeading", "circumstancesError", "circumstancesSave"),
        )
        self.setObjectName("circumstancesDialog")
        self._context, self._account = context, current.account_number
        self.kinds: dict[str, QCheckBox] = {}
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, kind in enumerate(Circumstance):
            tick = QCheckBox(CIRCUMSTANCE_WORDS[kind])
            tick.setObjectName(f"circumstance_{kind.value}")
            tick.setChecked(kind.value in current.circumstances)
            if kind in NEEDS_REVIEW:
                tick.setToolTip("Recovery charges nothing automatically before a review")
            self.kinds[kind.value] = tick
            grid.addWidget(tick, index // 3, index % 3)
        box.setFocusProxy(self.kinds[Circumstance.MEDICAL.value])
        self.add_row("&Circumstances", "circumstances", box)
        _buddy(self.form.labelForField(self.rows["circumstances"]), self.kinds["medical"])
        self.note = line_edit("circumstancesNote", "Note")
        self.note.setText(current.note)
        self.add_row("&Note", "note", self.note)
        self.channel = QComboBox()
        self.channel.setObjectName("preferredChannel")
        self.channel.setAccessibleName("Preferred channel")
        for value, words in CHANNEL_WORDS:
            self.channel.addItem(words, value)
        self.channel.setCurrentIndex(max(self.channel.findData(current.preferred_channel), 0))
        self.add_row("Preferred c&hannel", "preferred_channel", self.channel)
        self.start = line_edit("preferredFrom", "Preferred time from", width=70)
        self.start.setInputMask("99:99;_")
        self.start.setText(current.preferred_from)
        self.end = line_edit("preferredUntil", "Preferred time until", width=70)
        self.end.setInputMask("99:99;_")
        self.end.setText(current.preferred_until)
        window = QWidget()
        row = QHBoxLayout(window)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.start, label("timeTo", "to"), self.end):
            row.addWidget(widget)
        note = label("timeNote", "consumer's local time, e.g. 17:00 to 20:00", "muted")
        note.setWordWrap(True)
        row.addWidget(note, 1)
        window.setFocusProxy(self.start)  # a wrong time puts the focus back on its first box
        self.add_row("Preferred &time", "preferred_time", window)
        _buddy(self.form.labelForField(self.rows["preferred_time"]), self.start)
        self.language = line_edit("preferredLanguage", "Language", width=90)
        self.language.setText(current.language)
        self.add_row(
            "&Language", "language", self.language, label("langNote", "e.g. en, es", "muted")
        )
        if current.set_at is not None:
            self.add_below(
                label("circumstancesSetBy", f"Last set by {current.set_by}, "
                      f"{context.moment(current.set_at)}", "muted")
            )  # fmt: skip
        self.name_ok("Save", "saveCircumstancesButton")
        self.kinds[Circumstance.MEDICAL.value].setFocus()

    def _times(self) -> tuple[str, str]:
        def clean(text: str) -> str:
            return "" if text.replace(":", "").replace("_", "").strip() == "" else text

        return clean(self.start.text()), clean(self.end.text())

    def problems(self) -> dict[str, str]:
        problem = time_window_problem(*self._times())
        return {"preferred_time": problem} if problem else {}

    def show_problems(self, problems: dict[str, str]) -> None:
        show_problems_in_view(self, problems)

    def field_of(self, message: str) -> str:
        words = message.lower()
        if "time" in words:
            return "preferred_time"
        if "language" in words:
            return "language"
        return "note" if "note" in words else ""

    def call(self) -> Callable[[], Any]:
        counter, who = self._context.counter, self._context.username
        start, end = self._times()
        request = CircumstancesRequest(
            self._account,
            tuple(kind for kind, tick in self.kinds.items() if tick.isChecked()),
            self.note.text(),
            self.channel.currentData(),
            start,
            end,
            self.language.text(),
        )
        return lambda: set_circumstances(counter.write(), request, username=who)

    def saved(self, result: CircumstancesView) -> None:
        self.circumstances_saved.emit(result)
