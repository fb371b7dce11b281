"""Counter settings: validated once with clear messages; looked up the way people type."""

import pytest

from app.domain.errors import UserFacingError
from app.domain.numbering import DEFAULT_FORMATS
from app.domain.settings import DEFAULT_CHANNELS, PaymentMethod, Settings

WITHOUT_RECEIPT_FORMAT = {k: v for k, v in DEFAULT_FORMATS.items() if k != "receipt"}


def test_the_defaults_are_a_valid_counter_configuration() -> None:
    settings = Settings()
    assert settings.default_channel == "Walk-in"
    assert settings.channels == DEFAULT_CHANNELS
    assert settings.currency == "USD"
    assert settings.credit_note_expiry_days == 365
    assert settings.overpayment_threshold_minor == 50_000
    assert settings.notes_max_length == 250


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"channels": ()}, "At least one channel is required."),
        ({"channels": ("Walk-in", "walk-in")}, "Each channel name must be unique."),
        ({"channels": ("Walk-in", "  ")}, "A channel name cannot be empty."),
        ({"default_channel": "Kiosk"}, "The default channel 'Kiosk' is not in the list."),
        ({"methods": ()}, "At least one payment method is required."),
        (
            {"methods": (PaymentMethod("Cash", "cash"), PaymentMethod("Cash ", "cash"))},
            "Each payment method name must be unique.",
        ),
        (
            {"methods": (PaymentMethod("Cash", "cash"), PaymentMethod("Bitcoin", "crypto"))},
            "Payment method 'Bitcoin' has unknown kind 'crypto'. "
            "Use one of: cash, card, cheque, transfer, wallet.",
        ),
        ({"credit_note_reasons": ()}, "At least one credit-note reason is required."),
        (
            {"credit_note_reasons": ("Billing Error", "Other")},
            "The credit-note reason 'Overpayment' cannot be removed.",
        ),
        (
            {"number_formats": WITHOUT_RECEIPT_FORMAT},
            "A number format for 'receipt' is required.",
        ),
        (
            {"overpayment_threshold_minor": -1},
            "The allowable overpayment threshold must be zero or more.",
        ),
        ({"credit_note_expiry_days": 0}, "Credit-note expiry must be between 1 and 3650 days."),
        ({"credit_note_expiry_days": 3651}, "Credit-note expiry must be between 1 and 3650 days."),
        (
            {"credit_note_approval_minor": -1},
            "The credit-note approval amount must be zero or more.",
        ),
        (
            {"shift_difference_threshold_minor": -1},
            "The shift difference threshold must be zero or more.",
        ),
        ({"idle_lock_minutes": 0}, "The idle lock must be between 1 and 240 minutes."),
        ({"idle_lock_minutes": 241}, "The idle lock must be between 1 and 240 minutes."),
        ({"notes_max_length": 0}, "The notes limit must be between 1 and 2000 characters."),
        ({"notes_max_length": 2001}, "The notes limit must be between 1 and 2000 characters."),
        ({"locale": "xx_YY"}, "Unknown locale 'xx_YY'."),
        ({"locale": "not a locale"}, "Unknown locale 'not a locale'."),
        ({"currency": "usd"}, "Unknown currency 'usd': use an ISO code like USD."),
        ({"currency": "DOLLAR"}, "Unknown currency 'DOLLAR': use an ISO code like USD."),
        ({"timezone": "Mars/Olympus_Mons"}, "Unknown time zone 'Mars/Olympus_Mons'."),
    ],
)
def test_each_invalid_setting_is_refused_with_a_clear_message(values, message) -> None:
    with pytest.raises(UserFacingError) as refused:
        Settings(**values)
    assert refused.value.message == message


def test_a_currency_code_that_does_not_exist_is_refused() -> None:
    with pytest.raises(UserFacingError, match="Unknown currency 'XYZ'"):
        Settings(currency="XYZ")


def test_the_boundaries_of_each_range_are_accepted() -> None:
    settings = Settings(
        overpayment_threshold_minor=0,
        credit_note_expiry_days=3650,
        idle_lock_minutes=240,
        notes_max_length=1,
    )
    assert settings.credit_note_expiry_days == 3650
    assert Settings(credit_note_expiry_days=1).credit_note_expiry_days == 1


def test_stored_settings_with_an_unknown_key_are_refused() -> None:
    with pytest.raises(UserFacingError, match=r"^Unknown setting\(s\): colour\.$"):
        Settings.from_mapping({"colour": "red"})


def test_settings_survive_being_stored_and_loaded() -> None:
    custom = Settings(
        channels=("Walk-in", "Kiosk"),
        methods=(PaymentMethod("Cash", "cash"), PaymentMethod("UPI", "wallet")),
        currency="INR",
        locale="en_IN",
        timezone="Asia/Kolkata",
        credit_note_expiry_days=180,
    )
    assert Settings.from_mapping(custom.to_mapping()) == custom


def test_stored_number_formats_fall_back_to_the_defaults_for_missing_series() -> None:
    loaded = Settings.from_mapping({"number_formats": {"receipt": "RC-{TERM}-{SEQ:6}"}})
    assert loaded.number_formats["receipt"] == "RC-{TERM}-{SEQ:6}"
    assert loaded.number_formats["payment"] == DEFAULT_FORMATS["payment"]


def test_payment_methods_are_found_whatever_the_case() -> None:
    settings = Settings()
    assert settings.method("cash") == PaymentMethod("Cash", "cash")
    assert settings.method("  CREDIT card ").name == "Credit Card"
    assert settings.method("cash").is_cash
    assert not settings.method("Cheque").is_cash


def test_an_unknown_payment_method_lists_the_choices() -> None:
    with pytest.raises(UserFacingError) as refused:
        Settings().method("Bitcoin")
    assert refused.value.message == (
        "Unknown payment method 'Bitcoin'. Choose one of: "
        "Cash, Credit Card, Debit Card, Cheque, Bank Transfer, Mobile Wallet."
    )
    with pytest.raises(UserFacingError, match=r"^Choose the payment method\.$"):
        Settings().method("  ")


def test_the_channel_defaults_to_walk_in() -> None:
    assert Settings().channel(None) == "Walk-in"
    assert Settings().channel("") == "Walk-in"
    assert Settings().channel("phone") == "Phone"


def test_an_unknown_channel_lists_the_choices() -> None:
    with pytest.raises(UserFacingError) as refused:
        Settings().channel("Pigeon")
    assert refused.value.message == (
        "Unknown channel 'Pigeon'. Choose one of: Walk-in, Phone, Drop Box, Field Collection, Mail."
    )


def test_credit_note_reasons_are_required_and_found_whatever_the_case() -> None:
    settings = Settings()
    assert settings.reason("duplicate payment") == "Duplicate Payment"
    with pytest.raises(UserFacingError, match=r"^Choose a reason for the credit note\.$"):
        settings.reason(None)
    with pytest.raises(UserFacingError, match=r"^Choose a reason for the credit note\.$"):
        settings.reason(" ")
    with pytest.raises(UserFacingError) as refused:
        settings.reason("Because")
    assert refused.value.message == (
        "Unknown credit-note reason 'Because'. Choose one of: Overpayment, Duplicate Payment, "
        "Billing Error, Billing Adjustment, Refund Request, Customer Request, Other."
    )


def test_the_number_format_of_each_series_is_ready_to_render() -> None:
    fmt = Settings().number_format("receipt")
    assert fmt.pattern == "R-{TERM}-{SEQ:4}"
