"""Settings > Numbering: each series' format, with the next number it would issue shown as
the admin types and the reason beside the field when a format cannot be used."""

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.domain.numbering import SERIES, NumberFormat, require_term_when_standalone
from app.domain.settings import Settings
from app.services.number_blocks import NumberingStatus, numbering_status
from app.services.number_blocks_server import server_address
from app.services.numbering_preview import next_number_preview
from sync.client.series_start import start_series_at
from sync.protocol import SeriesStart
from ui.context import ClientContext
from ui.ops import ServiceOp, hub
from ui.screens.settings_fields import SettingsSection, label, line_edit

SERIES_LABELS = {
    "payment": "&Payment number",
    "transaction": "&Transaction number",
    "receipt": "&Receipt number",
    "credit_note": "&Credit note number",
}
PREVIEW_DELAY_MS = 200  # typing pauses this long before the counter is asked


def row_key(series: str) -> str:
    return f"number_formats.{series}"


class NumberingSection(SettingsSection):
    title = "Numbering"
    name = "settingsNumbering"

    def __init__(self, context: ClientContext) -> None:
        super().__init__()
        self._context = context
        self.registered = False  # until the counter says so: {TERM} stays required
        self.formats = {}
        self.previews = {}
        self._timers: dict[str, QTimer] = {}
        for series in SERIES:
            caption = SERIES_LABELS[series]
            edit = line_edit(f"format_{series}", caption.replace("&", "") + " format", width=320)
            preview = label(f"preview_{series}", "", "muted")
            preview.setAccessibleName(caption.replace("&", "") + ", next")
            self.formats[series] = edit
            self.previews[series] = preview
            self.add_row(caption, row_key(series), edit, preview)
            timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
            timer.timeout.connect(lambda s=series: self._ask_preview(s))
            self._timers[series] = timer
            edit.textChanged.connect(lambda _text, s=series: self.on_format_text_changed(s))
            edit.textEdited.connect(lambda _text: self.edited.emit())
        help_text = label(
            "tokensHelp",
            "Tokens: {YYYY} or {YY} year (the sequence restarts each year), {TERM} this "
            "terminal's code, {SEQ:n} the sequence padded to n digits. Without {TERM} "
            "(R-{SEQ}) numbers come in blocks leased from the central server: only on a "
            "registered counter.",
            "muted",
        )
        help_text.setWordWrap(True)
        self.form.addRow("", help_text)
        self._series_start_row()
        self.numbers_warning = label("numbersLow", "", "notice")  # the stylesheet's warning box
        self.numbers_warning.setWordWrap(True)
        self.numbers_warning.hide()
        self.form.addRow("", self.numbers_warning)
        hub.changed.connect(self.on_hub_changed)

    def _series_start_row(self) -> None:
        """Continue the old system's numbers (R-5001): the server sets where a series without
        {TERM} starts, once before it leases any, or later only above what it leased."""
        self.start_series = QComboBox()
        self.start_series.setObjectName("startSeries")
        self.start_series.setAccessibleName("Series to start")
        for series in SERIES:
            self.start_series.addItem(SERIES_LABELS[series].replace("&", ""), series)
        self.start_first = QSpinBox()
        self.start_first.setObjectName("startFirst")
        self.start_first.setAccessibleName("First number of the series")
        self.start_first.setRange(1, 999_999_999)
        self.start_first.setMaximumWidth(140)
        self.start_button = QPushButton("Start series here")
        self.start_button.setObjectName("startSeriesButton")
        self.start_button.setAutoDefault(True)
        self.start_button.clicked.connect(self.on_start_button_clicked)
        self.start_result = label("startSeriesResult", "", "muted")
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.start_series, self.start_first, self.start_button):
            row.addWidget(widget)
        row.addStretch(1)
        row = self.add_row("&Start a series at", "series_start", box, self.start_result)
        # Alt+S and a refusal's focus go to the series box, not to the row holding it.
        row.editor = self.start_series
        caption = self.form.labelForField(row)
        if isinstance(caption, QLabel):
            caption.setBuddy(self.start_series)

    def on_start_button_clicked(self) -> None:
        series, first = self.start_series.currentData(), self.start_first.value()
        counter, who = self._context.counter, self._context.username or "admin"

        def ask() -> SeriesStart:
            where = server_address(counter.read())
            return start_series_at(
                where.server_url, where.terminal_code, where.ca_file, series, first, username=who
            )

        self.rows["series_start"].show_error(None)
        self.start_result.setText("Asking the server…")
        ServiceOp(self, ask, read=True).success(self._series_started).failure(
            self._series_refused
        ).run()

    def _series_started(self, start: SeriesStart) -> None:
        words = start.series.replace("_", " ")
        self.start_result.setText(f"The {words} series continues from {start.first}.")
        self._ask_status()
        for series in self.formats:
            self.on_format_text_changed(series)

    def _series_refused(self, error: UserFacingError) -> None:
        self.start_result.setText("")
        self.rows["series_start"].show_error(error.message)

    def on_hub_changed(self, areas: frozenset) -> None:
        """A payment or credit note took a number: the previews move on with it."""
        if self.isVisible() and areas & {Area.PAYMENTS, Area.CREDIT_NOTES, Area.SYNC}:
            for series in self.formats:
                self.on_format_text_changed(series)
            self._ask_status()

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    # -- the section's contract ------------------------------------------------------------
    def load(self, settings: Settings) -> None:
        super().load(settings)
        for series, edit in self.formats.items():
            edit.setText(settings.number_formats[series])
        self._ask_status()

    def values(self) -> dict[str, Any]:
        formats = {}
        for series, edit in self.formats.items():
            pattern = edit.text().strip()
            problem = _problem(pattern, self.registered)
            if problem:
                self.field_errors[row_key(series)] = problem
            formats[series] = pattern
        return {} if self.field_errors else {"number_formats": formats}

    def show_problems(self, problems: dict[str, str]) -> None:
        """A problem with 'number_formats' belongs to the first format that is wrong."""
        shown = dict(problems)
        general = shown.pop("number_formats", None)
        if general:
            for series, edit in self.formats.items():
                if _problem(edit.text().strip(), self.registered):
                    shown.setdefault(row_key(series), general)
                    break
            else:
                shown.setdefault(row_key(SERIES[0]), general)
        super().show_problems(shown)

    # -- the live preview -----------------------------------------------------------------------
    def on_format_text_changed(self, series: str) -> None:
        pattern = self.formats[series].text().strip()
        problem = _problem(pattern, self.registered)
        self.rows[row_key(series)].show_error(problem)
        if problem:
            self._timers[series].stop()
            self.previews[series].setText("")
            return
        self._timers[series].start()

    def _ask_preview(self, series: str) -> None:
        pattern = self.formats[series].text().strip()
        counter = self._context.counter
        ServiceOp(
            self, lambda: next_number_preview(counter.read(), series, pattern), read=True
        ).success(lambda number: self._show_preview(series, pattern, number)).failure(
            lambda error: self.rows[row_key(series)].show_error(error.message)
        ).run()

    def _ask_status(self) -> None:
        """Whether formats without {TERM} may be used here, and how many leased numbers are
        left (the warning shows when a block runs low)."""
        counter = self._context.counter
        ServiceOp(self, lambda: numbering_status(counter.read()), read=True).success(
            self._show_status
        ).run()

    def _show_status(self, status: NumberingStatus) -> None:
        changed = status.registered != self.registered
        self.registered = status.registered
        self.numbers_warning.setText(status.warning or "")
        self.numbers_warning.setVisible(bool(status.warning))
        if changed:
            for series in self.formats:
                self.on_format_text_changed(series)

    def _show_preview(self, series: str, pattern: str, number: str) -> None:
        if self.formats[series].text().strip() == pattern:  # not typed over meanwhile
            self.previews[series].setText(f"Next: {number}")


def _problem(pattern: str, registered: bool) -> str | None:
    if not pattern:
        return "Enter a format, such as R-{TERM}-{SEQ:4}."
    try:
        NumberFormat(pattern)
        require_term_when_standalone(pattern, registered=registered)
    except UserFacingError as error:
        return error.message
    return None
