"""The matching rules alone (no database): passes, ties, rejections, references."""

from datetime import date, timedelta

import pytest

from app.domain.errors import UserFacingError
from app.domain.reconciliation import BankLine, CounterItem, ItemKind, MatchPass, match, mentions
from app.domain.settings import Settings

DAY = date(2025, 4, 20)


def line(key: str, amount: int, days: int = 0, text: str = "") -> BankLine:
    return BankLine(key, DAY + timedelta(days=days), amount, "", text)


def item(key: str, amount: int, days: int = 0, *refs: str) -> CounterItem:
    return CounterItem(key, ItemKind.PAYMENT, DAY + timedelta(days=days), amount, refs, key)


def found(proposals) -> set[tuple[str, str, str, int]]:
    return {(p.line_key, p.item_key, p.match_pass.value, p.rank) for p in proposals}


def test_two_equally_near_items_are_suggested_not_matched() -> None:
    proposals = match([line("L", 5000, 1)], [item("A", 5000, 0), item("B", 5000, 2)], window_days=3)

    assert found(proposals) == {("L", "A", "suggested", 1), ("L", "B", "suggested", 2)}


def test_one_bank_line_takes_at_most_one_item_and_the_nearest_wins() -> None:
    lines = [line("L1", 5000, 0), line("L2", 5000, 2)]
    items = [item("A", 5000, 0), item("B", 5000, 3)]

    assert found(match(lines, items, window_days=3)) == {
        ("L1", "A", "window", 1),
        ("L2", "B", "window", 1),
    }


def test_the_reference_beats_the_date_and_must_stand_alone() -> None:
    lines = [line("L", 14550, 5, "PAYMENT R-5001 THANKS")]
    items = [item("near", 14550, 5, "R-500"), item("named", 14550, 0, "R-5001")]

    assert found(match(lines, items, window_days=3)) == {("L", "named", "exact", 1)}
    assert not mentions("R-50012", "R-5001") and mentions("ref:r-5001.", "R-5001")


def test_rejected_pairs_and_taken_items_are_never_proposed_again() -> None:
    lines = [line("L", 5000)]
    items = [item("A", 5000), item("B", 5000, 1)]

    proposals = match(lines, items, window_days=3, rejected={("L", "A")}, taken_items={"B"})

    assert proposals == []


def test_debits_are_not_deposits_and_far_amounts_are_not_suggested() -> None:
    proposals = match(
        [line("fee", -5000), line("L", 10000)], [item("A", 5000), item("B", 9000)], window_days=3
    )

    assert proposals == []
    near = match([line("L", 10000, 1)], [item("A", 9900)], window_days=3)
    assert [p.match_pass for p in near] == [MatchPass.SUGGESTED]


def test_the_window_and_alert_settings_are_checked_when_loaded() -> None:
    assert (Settings().reconciliation_window_days, Settings().payment_alert_hours) == (3, 24)
    with pytest.raises(UserFacingError, match="date window must be between 0 and 31 days"):
        Settings.from_mapping({"reconciliation_window_days": 40})
    with pytest.raises(UserFacingError, match="between 1 and 720 hours"):
        Settings.from_mapping({"payment_alert_hours": 0})
