"""Each payment method's failure categories, read from the real decline-code tables."""

import pytest

from app.recovery.analytics.categories import (
    METHOD_CATEGORIES,
    classify_case,
    method_category,
    method_key,
)
from app.recovery.code_tables import load_decline_codes

CODES = load_decline_codes()


def category(method: str, card_type: str, gateway: str, network: str, code: str) -> str:
    key, found = classify_case(
        CODES, method=method, card_type=card_type, gateway=gateway, network=network, code=code
    )
    assert found in METHOD_CATEGORIES[key]
    return found


@pytest.mark.parametrize(
    ("gateway", "network", "code", "expected"),
    [
        ("stripe", "visa", "expired_card", "expired"),
        ("stripe", "visa", "insufficient_funds", "insufficient_funds"),
        ("stripe", "visa", "do_not_honor", "declined"),
        ("stripe", "visa", "fraudulent", "fraudulent"),
        ("stripe", "visa", "stolen_card", "fraudulent"),
        ("nmi", "visa", "223", "expired"),
        ("nmi", "visa", "202", "insufficient_funds"),
        ("nmi", "visa", "253", "fraudulent"),
        ("razorpay", "visa", "54", "expired"),
        ("razorpay", "mastercard", "83", "fraudulent"),
        ("razorpay", "visa", "05", "declined"),
        ("stripe", "visa", "processing_error", "technical"),
        ("stripe", "visa", "no_such_code_anywhere", "declined"),
        # A credit card has no daily limit: a withdrawal limit is a lack of funds there.
        ("stripe", "visa", "withdrawal_count_limit_exceeded", "insufficient_funds"),
    ],
)
def test_credit_card_categories(gateway, network, code, expected):
    assert category("card", "credit", gateway, network, code) == expected


@pytest.mark.parametrize(
    ("gateway", "network", "code", "expected"),
    [
        ("stripe", "visa", "withdrawal_count_limit_exceeded", "daily_limit"),
        ("stripe", "visa", "card_velocity_exceeded", "daily_limit"),
        ("razorpay", "visa", "61", "daily_limit"),
        ("razorpay", "mastercard", "65", "daily_limit"),
        ("nmi", "visa", "203", "daily_limit"),
        ("nmi", "visa", "202", "insufficient_funds"),
        ("stripe", "visa", "expired_card", "expired"),
    ],
)
def test_debit_card_adds_the_daily_limit(gateway, network, code, expected):
    assert category("card", "debit", gateway, network, code) == expected
    assert method_key("card", "prepaid") == "prepaid_card"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("04", "insufficient_funds"),
        ("01", "account_closed"),
        ("54", "account_closed"),
        ("21", "mandate_invalid"),
        ("06", "payment_stopped"),
        ("51", "verification_required"),
        ("59", "technical"),
        ("55", "declined"),
    ],
)
def test_enach_categories(code, expected):
    assert category("enach", "", "razorpay", "", code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("Z9", "insufficient_funds"),
        ("Z8", "limit_exceeded"),
        ("YE", "account_suspended"),
        ("ZM", "verification_required"),
        ("ZA", "mandate_revoked"),
        ("XH", "invalid_account"),
        ("59", "fraudulent"),
        ("U30", "declined"),
        ("UP", "technical"),
    ],
)
def test_upi_autopay_categories(code, expected):
    assert category("upi_autopay", "", "razorpay", "", code) == expected


def test_bank_transfer_and_digital_wallet_read_the_bank_and_upi_tables():
    nach, upi = CODES.tables["npci_nach"], CODES.tables["npci_upi"]

    def of(method: str, table: str, code: str) -> str:
        source = nach if table == "npci_nach" else upi
        return method_category(method, table, code, source[code].category.value)

    assert of("bank_transfer", "npci_nach", "01") == "account_closed"
    assert of("bank_transfer", "npci_nach", "02") == "routing_error"
    assert of("bank_transfer", "npci_nach", "04") == "insufficient_funds"
    assert of("digital_wallet", "npci_upi", "YE") == "account_suspended"
    assert of("digital_wallet", "npci_upi", "ZM") == "verification_required"
    assert of("digital_wallet", "npci_upi", "Z9") == "insufficient_funds"


def test_every_method_lists_the_guides_categories():
    assert {"expired", "insufficient_funds", "declined", "fraudulent"} <= set(
        METHOD_CATEGORIES["credit_card"]
    )
    assert "daily_limit" in METHOD_CATEGORIES["debit_card"]
    assert {"account_closed", "routing_error"} <= set(METHOD_CATEGORIES["bank_transfer"])
    assert {"account_suspended", "verification_required"} <= set(
        METHOD_CATEGORIES["digital_wallet"]
    )
