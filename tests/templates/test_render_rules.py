"""What a reminder says for each decline, who gets which template, and what is refused."""

from datetime import UTC, datetime

import pytest

from app.domain.errors import UserFacingError
from app.recovery.channels import ChannelName
from app.recovery.templates.library import TemplateRefused
from app.services.recovery_templates import render_message

LINK = "https://pay.example.com/l/AbC123"
UNSUB = "https://pay.example.com/u/AbC123"
CONSUMER = {"id": "P1", "name": "Ravi Kumar", "country": "IN", "timezone": "Asia/Kolkata",
            "language": "en", "vip": False}  # fmt: skip


def case(category: str, **changes: object) -> dict:
    base = {
        "id": "CASE-7", "consumer_id": "P1", "amount_minor": 250_000, "recovered_minor": 0,
        "currency": "INR", "card_network": "visa", "category": category, "product": "bill",
        "failed_at": datetime(2025, 4, 18, 6, 0, tzinfo=UTC), "due_date": "2025-04-15",
        "segment": "standard", "next_at": datetime(2025, 4, 21, 6, 0, tzinfo=UTC),
    }  # fmt: skip
    return {**base, **changes}


def email(category: str, consumer: dict = CONSUMER, **kwargs: object):
    return render_message(
        case(category), consumer, channel="email", tone="professional",
        payment_link_url=LINK, unsubscribe_url=UNSUB, earlier_cases=1, **kwargs,
    )  # fmt: skip


def test_an_expired_card_asks_for_a_new_card() -> None:
    message = email("expired_or_invalid")
    assert "Your Visa card has expired or its details have changed" in message.text
    assert "Please add a new card" in message.text
    assert ">Add a new card</a>" in message.html


def test_insufficient_funds_offers_a_date_or_a_payment_plan() -> None:
    message = email("insufficient_funds")
    assert "choose a date that suits you better, or split the amount into a payment plan" in (
        message.text
    )
    sms = render_message(
        case("insufficient_funds"), CONSUMER, channel="sms", tone="friendly",
        payment_link_url=LINK, earlier_cases=1,
    )  # fmt: skip
    assert "Pay now, pick a date or a plan:" in sms.text


def test_a_plan_is_not_offered_when_the_policy_says_no() -> None:
    message = email("insufficient_funds", plan_offered=False)
    assert "choose a date that suits you better, with the link below" in message.text
    assert "payment plan" not in message.text


def test_a_hard_decline_asks_for_another_method_and_technical_says_we_try_again() -> None:
    assert "Please pay with another card or another payment method" in email("hard").text
    technical = email("technical").text
    assert "We will try again on 21 Apr 2025; you don't need to do anything" in technical


def test_the_product_changes_the_wording() -> None:
    message = render_message(
        case("do_not_honor", product="service"), CONSUMER, channel="email", tone="urgent",
        payment_link_url=LINK, unsubscribe_url=UNSUB, earlier_cases=1,
    )  # fmt: skip
    assert message.subject == "Action needed: ₹2,500.00 for your service charge is still unpaid"


def test_html_escapes_a_hostile_name_and_the_text_part_keeps_it_as_typed() -> None:
    hostile = {**CONSUMER, "name": '<script>alert("x")</script> Rao'}
    message = email("hard", hostile)
    assert "<script>" not in message.html
    assert "Dear &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Rao," in message.html
    assert 'Dear <script>alert("x")</script> Rao,' in message.text


def test_html_escapes_once_not_twice() -> None:
    message = email("hard", {**CONSUMER, "name": "O'Brien & Sons"})
    assert "Dear O&#39;Brien &amp; Sons," in message.html
    assert "&amp;amp;" not in message.html and "&amp;#39;" not in message.html
    assert f'href="{LINK}"' in message.html


def test_the_consumers_language_and_segment_choose_the_template() -> None:
    hindi_vip = {**CONSUMER, "language": "hi-IN", "vip": True}
    message = email("insufficient_funds", hindi_vip)
    assert (message.template, message.language) == ("reminder_vip", "hi")
    assert message.subject.startswith("आपकी खाता टीम:")
    first = render_message(
        case("insufficient_funds"), CONSUMER, channel="email", tone="friendly",
        payment_link_url=LINK, unsubscribe_url=UNSUB, earlier_cases=0,
    )  # fmt: skip
    assert first.template == "reminder_first_time"


def test_a_high_value_case_gets_its_template_and_an_unknown_language_falls_back_to_english() -> (
    None
):
    tamil = {**CONSUMER, "language": "ta"}
    message = render_message(
        case("insufficient_funds", segment="high_value"), tamil, channel="sms", tone="urgent",
        payment_link_url=LINK, earlier_cases=3,
    )  # fmt: skip
    assert (message.template, message.language) == ("reminder_high_value", "en")
    assert message.text.startswith("Tilldesk Utilities: Action needed: ₹2,500.00")


def test_an_sms_over_the_allowed_segments_is_refused_before_sending() -> None:
    long_link = "https://pay.example.com/l/" + "x" * 200
    with pytest.raises(TemplateRefused, match=r"too long for SMS: 5 segments, UCS-2"):
        render_message(
            case("hard"), CONSUMER, channel="sms", tone="professional",
            payment_link_url=long_link, earlier_cases=1,
        )  # fmt: skip
    allowed = render_message(
        case("hard"), CONSUMER, channel="sms", tone="professional",
        payment_link_url=long_link, earlier_cases=1, max_sms_segments=5,
    )  # fmt: skip
    assert allowed.sms is not None and allowed.sms.segments == 5


def test_whatsapp_without_a_name_is_refused_and_with_one_carries_the_parameters() -> None:
    nameless = {**CONSUMER, "name": ""}
    with pytest.raises(TemplateRefused, match="first_name would be empty"):
        render_message(
            case("hard"), nameless, channel=ChannelName.WHATSAPP, tone="professional",
            payment_link_url=LINK, earlier_cases=1,
        )  # fmt: skip
    message = render_message(
        case("hard"), CONSUMER, channel="whatsapp", tone="professional",
        payment_link_url=LINK, earlier_cases=1,
    )  # fmt: skip
    outgoing = message.outgoing("+919812345678", "key-1")
    assert (outgoing.whatsapp_template, outgoing.language) == ("payment_reminder", "en")
    assert outgoing.parameters == ("Ravi", "₹2,500.00", LINK)
    assert outgoing.unsubscribe_url == ""


def test_an_email_without_an_unsubscribe_link_or_any_reminder_without_a_link_is_refused() -> None:
    with pytest.raises(UserFacingError, match="unsubscribe link"):
        render_message(
            case("hard"), CONSUMER, channel="email", tone="urgent", payment_link_url=LINK
        )
    with pytest.raises(UserFacingError, match="payment link"):
        render_message(case("hard"), CONSUMER, channel="sms", tone="urgent", payment_link_url="")


def test_an_unknown_history_gets_the_general_reminder_not_the_first_time_one() -> None:
    message = render_message(
        case("insufficient_funds"), CONSUMER, channel="email", tone="friendly",
        payment_link_url=LINK, unsubscribe_url=UNSUB,
    )  # fmt: skip
    assert message.template == "reminder"
    repeat = render_message(
        case("insufficient_funds"), CONSUMER, channel="email", tone="friendly",
        payment_link_url=LINK, unsubscribe_url=UNSUB, earlier_cases=2,
    )  # fmt: skip
    assert repeat.template == "reminder"
    assert "first time" not in repeat.text


def test_a_retention_offer_appears_only_when_one_is_made() -> None:
    offered = email("insufficient_funds", offer_percent=10)
    assert "Pay this week and we will take 10% off your next bill." in offered.text
    assert "take 10% off your next bill" in offered.html
    assert "% off" not in email("insufficient_funds").text
