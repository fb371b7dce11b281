"""What the Smart Collect screens share: band names and tones, a forecast's chance and money
as the branch writes them, read-only tables, and the recovery database a screen's service calls
open."""

from collections.abc import Callable
from typing import Any

from babel.numbers import format_percent
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableView

from app.domain.money import format_money
from app.services.recovery_database import shared_recovery_database
from app.services.smart_collect_actions import ActionResult
from ui.context import ClientContext
from ui.recovery.case_text import amounts_as_money
from ui.widgets.charts import CURRENT
from ui.widgets.style import stylesheet_colour

# The seed's bands: OPTIMAL green, SCHEDULED blue, RISKY amber, CRITICAL red. The colours are
# the stylesheet's tones; the text says the band too, so colour is never the only signal.
BANDS = ("OPTIMAL_WINDOW", "SCHEDULED", "RISKY", "CRITICAL")
BAND_TEXT = {"OPTIMAL_WINDOW": "Optimal", "SCHEDULED": "Scheduled", "RISKY": "Risky",
             "CRITICAL": "Critical"}  # fmt: skip
BAND_TONES = {"OPTIMAL_WINDOW": "good", "SCHEDULED": CURRENT, "RISKY": "warn", "CRITICAL": "bad"}
BAND_BADGES = {"OPTIMAL_WINDOW": "good", "SCHEDULED": "info", "RISKY": "warn", "CRITICAL": "bad"}
SEGMENT_TEXT = {"high_value": "High value", "standard": "Standard", "at_risk": "At risk"}


def band_text(band: str) -> str:
    return BAND_TEXT.get(band, band.replace("_", " ").capitalize() if band else "")


def chance_text(context: ClientContext, probability: float | None) -> str:
    """A forecast's chance of collection (0-100) as the branch writes a percentage: "95%" in
    en_US, "95 %" in de_DE; "" when nothing was forecast."""
    if probability is None:
        return ""
    return format_percent(probability / 100, locale=context.settings.locale)


def band_brush(band: str) -> QBrush | None:
    tone = BAND_TONES.get(band)
    return QBrush(stylesheet_colour(tone)) if tone else None


def money(context: ClientContext, minor: int, currency: str) -> str:
    """A case's amount in its own currency (recovery cases need not be in the counter's)."""
    return format_money(minor, currency or context.settings.currency, context.settings.locale)


def money_in_text(context: ClientContext, text: str) -> str:
    """The engine's sentences ('balance 2900.00 USD') with their amounts as the branch writes
    money ('$2,900.00'): the engine, the server and its JSON keep the plain form."""
    return amounts_as_money(text, lambda minor, currency: money(context, minor, currency))


def action_text(context: ClientContext, result: ActionResult) -> str:
    """One line: where a reschedule or attempt put the case; the rules' reason is a tooltip."""
    where = " (inside the optimal window)" if result.optimal_window_used else ""
    return f"{result.case_id}: next attempt {context.moment(result.next_at)}{where}."


def engine_of(context: ClientContext) -> Callable[[], Any]:
    """A callable opening the recovery database off the GUI thread (it may migrate first)."""
    url = context.counter.recovery_db_url()
    return lambda: shared_recovery_database(url)


def read_only_table(name: str, accessible: str, model: Any, *, stretch: bool = True) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def button(name: str, text: str, accessible: str = "") -> QPushButton:
    made = QPushButton(text)
    made.setObjectName(name)
    made.setAccessibleName(accessible or text.replace("&", ""))
    made.setAutoDefault(False)
    return made
