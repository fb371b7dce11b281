"""Shift rules with plain values: denominations, expected cash, reconciliation, approvals."""

import pytest

from app.domain.errors import UserFacingError
from app.domain.shifts import (
    ApprovalReason,
    MethodTakings,
    approval_reasons,
    approval_text,
    cash_count,
    check_float,
    check_movement,
    counted_cash,
    denominations,
    expected_cash,
    parse_count,
    reconcile,
    total_difference,
)


def test_dollars_are_counted_note_by_note_and_coin_by_coin():
    usd = {d.label: d.value_minor for d in denominations("USD")}
    assert usd["$100"] == 10000 and usd["$20"] == 2000 and usd["$1"] == 100
    assert usd["25¢"] == 25 and usd["1¢"] == 1
    assert list(usd.values()) == sorted(usd.values(), reverse=True)  # largest first


def test_rupees_have_no_paise_coins_and_an_unknown_currency_counts_whole_units():
    assert [d.label for d in denominations("INR")][:3] == ["₹500", "₹200", "₹100"]
    assert min(d.value_minor for d in denominations("INR")) == 100
    assert [(d.label, d.value_minor) for d in denominations("JPY")] == [("1 JPY", 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("100x2", (10000, 2)), ("20X5", (2000, 5)), ("0.25x4", (25, 4)), (" 5x0 ", (500, 0))],
)
def test_a_count_is_written_face_value_times_pieces(text, expected):
    assert parse_count(text, "USD") == expected


@pytest.mark.parametrize("text", ["20*5", "20x", "x5", "20x-1", "twentyx5", "20x1.5"])
def test_a_count_written_any_other_way_is_refused(text):
    with pytest.raises(UserFacingError):
        parse_count(text, "USD")


def test_the_count_adds_up_every_denomination_and_lists_each_one():
    count = cash_count("USD", {10000: 2, 2000: 5, 25: 3})
    assert counted_cash(count) == 30075
    assert len(count) == len(denominations("USD"))
    assert {c.label: c.count for c in count if c.count} == {"$100": 2, "$20": 5, "25¢": 3}


def test_a_note_that_does_not_exist_or_a_negative_count_is_refused():
    with pytest.raises(UserFacingError, match=r"no USD 0\.30 note or coin"):
        cash_count("USD", {30: 1})
    with pytest.raises(UserFacingError, match=r"count of \$20 must be between 0"):
        cash_count("USD", {2000: -1})


def test_expected_cash_is_float_plus_cash_taken_plus_in_less_out():
    assert (
        expected_cash(
            opening_float_minor=20000,
            cash_taken_minor=14550,
            cash_in_minor=5000,
            cash_out_minor=10000,
        )
        == 29550
    )


def test_float_and_movements_are_checked():
    assert check_float(0) == 0
    with pytest.raises(UserFacingError, match="cannot be negative"):
        check_float(-1)
    assert check_movement(100, "  Bank drop ") == "Bank drop"
    with pytest.raises(UserFacingError, match="greater than zero"):
        check_movement(0, "Bank drop")
    with pytest.raises(UserFacingError, match="Give a reason"):
        check_movement(100, "   ")


def test_cards_of_every_name_reconcile_together_and_cash_against_the_drawer():
    takings = (
        MethodTakings("Cash", "cash", 2, 20000),
        MethodTakings("Credit Card", "card", 1, 4000),
        MethodTakings("Debit Card", "card", 2, 500),
    )
    rows = reconcile(
        kinds=("cash", "card", "cheque"),
        takings=takings,
        expected_cash_minor=40000,
        counted={"cash": 39800, "card": 4500},
    )
    assert [(r.method, r.payments, r.expected_minor, r.counted_minor) for r in rows] == [
        ("Cash", 2, 40000, 39800),
        ("Card", 3, 4500, 4500),
        ("Cheque", 0, 0, 0),
    ]
    assert [r.difference_minor for r in rows] == [-200, 0, 0]


def test_a_shortage_and_an_overage_do_not_cancel_out():
    rows = reconcile(
        kinds=("cash", "card"),
        takings=(MethodTakings("Credit Card", "card", 1, 1000),),
        expected_cash_minor=10000,
        counted={"cash": 9700, "card": 1300},
    )
    assert sum(r.difference_minor for r in rows) == 0
    assert total_difference(rows) == 600


def test_a_supervisor_is_needed_above_the_threshold_or_with_unsent_payments():
    assert approval_reasons(off_by_minor=500, threshold_minor=500, unsent_payments=0) == ()
    assert approval_reasons(off_by_minor=501, threshold_minor=500, unsent_payments=0) == (
        ApprovalReason.DIFFERENCE,
    )
    assert approval_reasons(off_by_minor=0, threshold_minor=500, unsent_payments=2) == (
        ApprovalReason.UNSENT,
    )


def test_the_reasons_read_as_sentences_with_money():
    kwargs = dict(off_by_minor=750, threshold_minor=500, currency="USD", locale="en_US")
    assert (
        approval_text(ApprovalReason.DIFFERENCE, unsent_payments=0, **kwargs)
        == "The count is off by $7.50 in all, more than the $5.00 allowed."
    )
    assert (
        approval_text(ApprovalReason.UNSENT, unsent_payments=1, **kwargs)
        == "1 payment of this shift is not sent to the central office yet."
    )
    assert approval_text(ApprovalReason.UNSENT, unsent_payments=3, **kwargs).startswith(
        "3 payments of this shift are not sent"
    )
