"""Every template in the manifest renders on every channel, language and tone it declares."""

import pytest

from app.recovery.channels import ChannelName
from app.recovery.templates.context import (
    SAMPLE_CASE,
    SAMPLE_CONSUMER,
    SAMPLE_LINK,
    SAMPLE_UNSUBSCRIBE,
)
from app.services.recovery_templates import check_templates, render_message, template_library

LIBRARY = template_library()
VARIANTS = [
    (spec.name, channel, language, tone)
    for spec in LIBRARY.templates.values()
    for channel in spec.channels
    for language in spec.languages
    for tone in spec.tones
]
# A phrase of each language that every reminder carries: its reference line.
REFERENCE = {
    "en": "Reference: SAMPLE-001",
    "hi": "संदर्भ: SAMPLE-001",
    "es": "Referencia: SAMPLE-001",
}
# The sample owes 145,050 paise; Spanish has no Indian locale in Babel, so plain Spanish rules.
AMOUNT = {"en": "₹1,450.50", "hi": "₹1,450.50", "es": "1.450,50\xa0INR"}


def test_the_bundled_templates_load_with_no_problem() -> None:
    assert LIBRARY.problems == []
    assert {"en", "hi"} <= {lang for s in LIBRARY.templates.values() for lang in s.languages}
    assert len(VARIANTS) >= 3 * 3 * 2 * 2


@pytest.mark.parametrize(("name", "channel", "language", "tone"), VARIANTS)
def test_renders_for_the_sample_case(
    name: str, channel: ChannelName, language: str, tone: str
) -> None:
    message = render_message(
        SAMPLE_CASE, SAMPLE_CONSUMER, channel=channel, tone=tone, template=name,
        language=language, payment_link_url=SAMPLE_LINK, unsubscribe_url=SAMPLE_UNSUBSCRIBE,
    )  # fmt: skip
    assert (message.template, message.language, message.tone) == (name, language, tone)
    assert SAMPLE_LINK in message.text
    assert AMOUNT[language] in message.text
    if channel is ChannelName.EMAIL:
        assert message.subject and "\n" not in message.subject
        assert REFERENCE[language] in message.text
        assert f'<html lang="{language}">' in message.html
        assert f'href="{SAMPLE_UNSUBSCRIBE}"' in message.html
        assert message.outgoing("a@example.com", "k1").unsubscribe_url == SAMPLE_UNSUBSCRIBE
    elif channel is ChannelName.SMS:
        assert message.sms is not None and 1 <= message.sms.segments <= 3
        assert "STOP" in message.text
    else:
        assert message.whatsapp_template == LIBRARY.templates[name].whatsapp_approved[tone]
        assert message.parameters == ("Asha", AMOUNT[language].replace("\xa0", " "), SAMPLE_LINK)
        assert REFERENCE[language] in message.text


def test_template_check_trial_renders_every_category_and_product_cleanly() -> None:
    assert check_templates() == []
