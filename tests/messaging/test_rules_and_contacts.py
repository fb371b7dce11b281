"""The messaging rules as data, checked with messages a person can act on; contact points
checked at intake; zones derived from the address or the phone when none is stored."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.domain.errors import UserFacingError
from app.recovery.contacts import InvalidContact, checked_email, checked_phone
from app.recovery.message_ledger import Recipient, next_allowed
from app.recovery.messaging_rules import MessagingRules
from app.recovery.zones import consumer_zones


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours": "08:00-25:00"}, "'25:00' is not a time of day"),
        ({"hours": "8-21"}, "is not a time of day"),
        ({"hours": "21:00-08:00"}, "closes before it opens"),
        ({"hours": "08:00"}, "must read like 08:00-21:00"),
        ({"hours_by_place": {"California": "09:00-20:00"}}, "'CALIFORNIA' is not a place"),
        ({"weekend": "sunday,funday"}, "'fun' is not a day"),
        ({"weekend": "mon,tue,wed,thu,fri,sat,sun"}, "cannot take the whole week"),
        ({"per_day": 0}, "between 1 and 10"),
        ({"per_day": 3, "per_week": 2}, "at least the messages per day"),
        ({"per_week": "three"}, "must be a whole number"),
        ({"channels": ["pigeon"]}, "at least one channel"),
        ({"channels": []}, "at least one channel"),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(changes, message) -> None:
    with pytest.raises(UserFacingError, match=message.replace("(", r"\(")):
        MessagingRules.from_mapping({**MessagingRules().to_mapping(), **changes})


def test_rules_survive_their_stored_form_and_places_override_countries() -> None:
    rules = MessagingRules.from_mapping(
        {"hours_by_place": {"us": "09:00-20:00", "US-CA": "10:00-19:00"}, "per_week": "2"}
    )
    assert MessagingRules.from_mapping(rules.to_mapping()) == rules
    assert rules.hours_for("US", "CA").opens == time(10, 0)
    assert rules.hours_for("US", "NY").opens == time(9, 0)
    assert rules.hours_for("IN", "").opens == time(8, 0)
    assert rules.weekend_for("SA") == (4, 5) and rules.weekend_for("IN") == (6,)


def test_phone_numbers_and_emails_are_checked_and_normalised() -> None:
    assert checked_phone("(201) 555-0123", "US") == "+12015550123"
    assert checked_phone("+91 98765 43210") == "+919876543210"
    assert checked_email("Ann.Lee@Example.COM") == "Ann.Lee@example.com"
    for bad, why in [
        ("12345", "with its country code"),
        ("+1 555 0100", "not a number in use"),
        ("", "empty"),
    ]:
        with pytest.raises(InvalidContact, match=why):
            checked_phone(bad)
    for bad in ["ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann..x@ex.com"]:
        with pytest.raises(InvalidContact, match="is not an e-mail address"):
            checked_email(bad)


def test_the_zone_comes_from_the_store_then_the_region_then_the_phone_then_the_country() -> None:
    assert consumer_zones("Asia/Kathmandu", "+12015550123", "US") == (ZoneInfo("Asia/Kathmandu"),)
    assert consumer_zones("", "+12015550123", "US", "CA") == (ZoneInfo("America/Los_Angeles"),)
    assert consumer_zones("", "+9779841234567", "NP") == (ZoneInfo("Asia/Kathmandu"),)
    assert consumer_zones("", "+919876543210", "IN") == (ZoneInfo("Asia/Kolkata"),)  # not Calcutta
    assert consumer_zones("", "", "CA", "NL") == (ZoneInfo("America/St_Johns"),)
    assert consumer_zones("", "", "IN") == (ZoneInfo("Asia/Kolkata"),)


def test_next_allowed_takes_a_recipient() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    recipient = Recipient("C1", (kolkata,), "IN", "MH")
    at = datetime(2026, 1, 7, 22, 0, tzinfo=kolkata)
    assert next_allowed(at, recipient, MessagingRules()) == datetime(2026, 1, 8, 2, 30, tzinfo=UTC)
