"""Colours live in resources/styles/tilldesk.qss; Python gives widgets roles and tones."""

import re
from pathlib import Path

import pytest

from ui.app import STYLE
from ui.models.credit_notes_model import badge_colours
from ui.widgets.badge import badge
from ui.widgets.charts import CURRENT, legend_html
from ui.widgets.style import stylesheet_colour

UI = Path(__file__).resolve().parents[2] / "ui"
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


@pytest.fixture
def styled(qapp):
    before = qapp.styleSheet()
    qapp.setStyleSheet(STYLE.read_text(encoding="utf-8"))
    yield qapp
    qapp.setStyleSheet(before)


def test_no_new_colour_literals_in_python():
    colouring = {
        str(path.relative_to(UI))
        for path in UI.rglob("*.py")
        if HEX.search(path.read_text(encoding="utf-8"))
    }
    assert colouring == set()


def test_tones_take_their_colours_from_the_stylesheet(styled):
    assert stylesheet_colour("bad").name() == "#b3261e"
    assert stylesheet_colour(CURRENT).name() == "#1769aa"
    assert 'style="color:#1769aa"' in legend_html((CURRENT, "This period"))


def test_credit_note_badges_and_links_take_their_colours_from_the_stylesheet(styled):
    assert badge_colours("status", "Active") == ("#e3f4e8", "#1e6b34")
    assert badge_colours("reason", "Billing Error") == ("#fdecea", "#b23c17")
    # A reason an admin added borrows one of the reason pairs, the same one every time.
    spare = badge_colours("reason", "Goodwill")
    assert spare == badge_colours("reason", "Goodwill")
    assert spare in {
        badge_colours("reason", r)
        for r in (
            "Overpayment",
            "Other",
            "Refund Request",
            "Duplicate Payment",
            "Billing Adjustment",
            "Customer Request",
            "Billing Error",
        )
    }
    assert stylesheet_colour("link").name() == "#1769aa"
    assert stylesheet_colour("shiftShort").name() == "#c62828"


def test_without_the_stylesheet_badges_stay_readable(qapp):
    before = qapp.styleSheet()
    qapp.setStyleSheet("")
    try:
        background, text = badge_colours("status", "Active")
    finally:
        qapp.setStyleSheet(before)
    assert background != text


def test_a_badge_is_coloured_by_its_tone(styled, qtbot):
    label = badge("Posted", "good", "status")
    qtbot.addWidget(label)
    label.ensurePolished()
    assert label.palette().color(label.foregroundRole()).name() == "#1e6b2a"
    with pytest.raises(ValueError):
        badge("Odd", "purple")
