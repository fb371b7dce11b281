"""Settings > General: currency, locale, time zone, and what every receipt says at its top
and bottom, including the optional logo."""

import base64
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from babel import localedata
from babel.numbers import list_currencies
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QCompleter, QFileDialog, QHBoxLayout, QPushButton, QWidget

from app.domain.errors import UserFacingError
from app.domain.settings import Settings
from app.services.receipt_logo import logo_from_file, logo_size
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.screens.settings_fields import SettingsSection, label, line_edit, lines_edit, lines_of

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif)"


def _completing(edit: Any, words: list[str]) -> None:
    completer = QCompleter(sorted(words), edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)


class GeneralSection(SettingsSection):
    title = "General"
    name = "settingsGeneral"

    def __init__(self, context: ClientContext) -> None:
        super().__init__()
        self._context = context
        self.logo = ""
        self.currency = line_edit("currency", "Currency", width=120)
        _completing(self.currency, list(list_currencies()))
        self.add_row(
            "&Currency",
            "currency",
            self.currency,
            label("currencyNote", "ISO code, such as USD", "muted"),
        )
        self.locale = line_edit("locale", "Locale", width=120)
        _completing(self.locale, localedata.locale_identifiers())
        self.add_row(
            "&Locale",
            "locale",
            self.locale,
            label("localeNote", "amounts and dates, such as en_US", "muted"),
        )
        self.timezone = line_edit("timezone", "Time zone", width=260)
        _completing(self.timezone, list(available_timezones()))
        self.add_row("&Time zone", "timezone", self.timezone)
        self.header = lines_edit("receiptHeader", "Receipt header", height=84)
        self.add_row(
            "Receipt &header",
            "receipt_header",
            self.header,
            label("headerNote", "one printed line per line; the first is large", "muted"),
        )
        self.footer = lines_edit("receiptFooter", "Receipt footer", height=64)
        self.add_row("Receipt &footer", "receipt_footer", self.footer)
        self.add_row("Receipt l&ogo", "receipt_logo", self._logo_box())
        self.changed_signal(
            self.currency.textEdited,
            self.locale.textEdited,
            self.timezone.textEdited,
            self.header.textChanged,
            self.footer.textChanged,
        )

    def _logo_box(self) -> QWidget:
        box = QWidget()
        box.setObjectName("logoBox")
        box.setAccessibleName("Receipt logo")
        self.logo_preview = label("logoPreview", "", "preview")
        self.logo_preview.setMinimumSize(200, 60)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.choose_logo_button = QPushButton("Choose image…")
        self.choose_logo_button.setObjectName("chooseLogoButton")
        self.choose_logo_button.setAccessibleName("Choose logo image")
        self.choose_logo_button.clicked.connect(self.on_choose_logo_button_clicked)
        self.remove_logo_button = QPushButton("Remove logo")
        self.remove_logo_button.setObjectName("removeLogoButton")
        self.remove_logo_button.setAccessibleName("Remove logo")
        self.remove_logo_button.clicked.connect(self.on_remove_logo_button_clicked)
        self.logo_note = label("logoNote", "", "muted")
        self.logo_note.setWordWrap(True)  # a long note must not widen the window past 1024 px
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.logo_preview)
        row.addWidget(self.choose_logo_button)
        row.addWidget(self.remove_logo_button)
        row.addWidget(self.logo_note, 1)
        return box

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    # -- the section's contract ------------------------------------------------------------
    def load(self, settings: Settings) -> None:
        super().load(settings)
        self.currency.setText(settings.currency)
        self.locale.setText(settings.locale)
        self.timezone.setText(settings.timezone)
        self.header.setPlainText(settings.receipt_header)
        self.footer.setPlainText(settings.receipt_footer)
        self._show_logo(settings.receipt_logo)

    def values(self) -> dict[str, Any]:
        return {
            "currency": self.currency.text().strip().upper(),
            "locale": self.locale.text().strip(),
            "timezone": self.timezone.text().strip(),
            "receipt_header": "\n".join(lines_of(self.header)),
            "receipt_footer": "\n".join(lines_of(self.footer)),
            "receipt_logo": self.logo,
        }

    # -- the logo ----------------------------------------------------------------------------
    def on_choose_logo_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the receipt logo", "", IMAGE_FILTER)
        if path:
            self.choose_logo(Path(path))

    def choose_logo(self, path: Path) -> None:
        """Scale the picked image off the GUI thread; it is saved with the other settings."""
        self.logo_note.setText("Reading the image…")
        ServiceOp(self, lambda: logo_from_file(path), read=True).success(self._logo_read).failure(
            self._logo_refused
        ).run()

    def _logo_read(self, logo: str) -> None:
        self.rows["receipt_logo"].show_error(None)
        self._show_logo(logo)
        self.edited.emit()

    def _logo_refused(self, error: UserFacingError) -> None:
        self._show_logo(self.logo)
        self.rows["receipt_logo"].show_error(error.message)

    def on_remove_logo_button_clicked(self) -> None:
        self._show_logo("")
        self.edited.emit()

    def _show_logo(self, logo: str) -> None:
        self.logo = logo
        self.remove_logo_button.setEnabled(bool(logo))
        if not logo:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo")
            self.logo_note.setText("Optional: printed above the header on receipts and PDFs.")
            return
        pixmap = QPixmap()
        pixmap.loadFromData(base64.b64decode(logo), "PNG")
        self.logo_preview.setPixmap(
            pixmap.scaled(
                240,
                100,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        width, height = logo_size(logo)
        self.logo_note.setText(f"{width} × {height} printer dots; fits 58 and 80 mm rolls.")
