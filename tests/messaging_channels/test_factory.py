"""Channels built from settings and the keyring; Twilio's published signature test vectors."""

import pytest

from app.domain.errors import UserFacingError
from app.recovery.channels import ChannelName
from sync.messaging import credentials as keys
from sync.messaging.email_smtp import SmtpChannel, SmtpSecurity
from sync.messaging.factory import MessagingSettings, build_channels
from sync.messaging.sms_twilio import TwilioSmsChannel
from sync.messaging.webhook_events import twilio_signature
from sync.messaging.whatsapp_cloud import WhatsAppCloudChannel

ALL = {
    "messaging.public_url": "https://pay.tilldesk.example/",
    "messaging.email.host": "smtp.tilldesk.example",
    "messaging.email.from_address": "reminders@tilldesk.example",
    "messaging.email.username": "reminders@tilldesk.example",
    "messaging.sms.account_sid": "AC" + "0" * 32,
    "messaging.sms.from_number": "+14155550100",
    "messaging.whatsapp.phone_number_id": "106540352242922",
}


def fill(keyring_backend, *names: str) -> None:
    for name in names:
        keyring_backend.set_password(keys.SERVICE, name, f"value-of-{name}")


def test_every_configured_channel_is_built_with_its_keyring_credentials(memory_keyring):
    fill(
        memory_keyring,
        keys.SMTP_PASSWORD,
        keys.UNSUBSCRIBE_KEY,
        keys.TWILIO_AUTH_TOKEN,
        keys.WHATSAPP_ACCESS_TOKEN,
    )

    channels = build_channels(MessagingSettings.from_mapping(ALL), last_inbound=lambda to: None)

    assert set(channels.names) == {ChannelName.EMAIL, ChannelName.SMS, ChannelName.WHATSAPP}
    email = channels.require(ChannelName.EMAIL)
    assert isinstance(email, SmtpChannel) and email.password == "value-of-smtp-password"
    assert email.settings.security is SmtpSecurity.STARTTLS and email.settings.port == 587
    sms = channels.require(ChannelName.SMS)
    assert isinstance(sms, TwilioSmsChannel)
    assert sms.settings.status_callback_url == (
        "https://pay.tilldesk.example/v1/webhooks/messaging/twilio/status"
    )
    assert isinstance(channels.require(ChannelName.WHATSAPP), WhatsAppCloudChannel)


def test_a_missing_credential_names_it_and_how_to_add_it(memory_keyring):
    fill(memory_keyring, keys.SMTP_PASSWORD, keys.UNSUBSCRIBE_KEY, keys.WHATSAPP_ACCESS_TOKEN)

    with pytest.raises(UserFacingError) as raised:
        build_channels(MessagingSettings.from_mapping(ALL), last_inbound=lambda to: None)

    assert "tilldesk recovery set-credential twilio-auth-token" in raised.value.message


def test_an_unconfigured_channel_is_a_clear_error(memory_keyring):
    fill(memory_keyring, keys.TWILIO_AUTH_TOKEN)
    settings = MessagingSettings.from_mapping(
        {k: v for k, v in ALL.items() if k.startswith("messaging.sms.")}
    )

    channels = build_channels(settings, last_inbound=lambda to: None)

    assert channels.names == (ChannelName.SMS,)
    assert isinstance(channels["sms"], TwilioSmsChannel)  # the messenger looks channels up by name
    assert "email" not in channels
    with pytest.raises(UserFacingError, match="email channel is not configured"):
        channels.require(ChannelName.EMAIL)


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("messaging.email.port", "smtp", "port number"),
        ("messaging.email.security", "tls-maybe", "messaging.email.security"),
        ("messaging.email.from_address", "reminders", "e-mail address"),
        ("messaging.sms.account_sid", "SK123", "Account SID"),
        ("messaging.whatsapp.api_version", "21", "v21.0"),
        ("messaging.public_url", "pay.tilldesk.example", "https://"),
    ],
)
def test_bad_settings_are_refused_with_the_key_named(key, value, says):
    with pytest.raises(UserFacingError, match=says):
        MessagingSettings.from_mapping({**ALL, key: value})


def test_a_plaintext_keyring_is_refused_for_credentials(monkeypatch):
    import keyring
    from keyrings.cryptfile.file import PlaintextKeyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: PlaintextKeyring())

    with pytest.raises(UserFacingError, match="No secure keyring"):
        keys.credential(keys.TWILIO_AUTH_TOKEN)


# Twilio's own test vectors (twilio-python, tests/unit/test_request_validator.py).
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}


def test_twilio_signature_matches_twilios_published_vector():
    assert twilio_signature(TWILIO_URL, TWILIO_PARAMS.items(), "12345") == (
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )


def test_twilio_signature_sorts_repeated_fields_like_twilio():
    params = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]

    assert twilio_signature(TWILIO_URL, params, "12345") == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_a_credential_is_stored_from_the_command_line_and_read_back(
    memory_keyring, monkeypatch, capsys
):
    from cli.main import main
    from sync.messaging.credentials import credential

    monkeypatch.setenv("TILLDESK_SECRET", "twilio-token-1")
    assert main(["recovery", "set-credential", "twilio-auth-token"]) == 0
    assert credential("twilio-auth-token") == "twilio-token-1"
    assert "twilio-auth-token is in the keyring" in capsys.readouterr().out


def test_a_headless_service_reads_its_credentials_from_the_encrypted_file(tmp_path, monkeypatch):
    import keyring
    from keyring.backends import fail

    from sync.messaging.credentials import credential, store_credential
    from tests.e2e_sync.file_keyring import headless_keyring_env

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # no OS keyring at all, as under systemd
    try:
        for name, value in headless_keyring_env(tmp_path).items():
            monkeypatch.setenv(name, value)
        store_credential("smtp-password", "smtp-secret-1")
        assert credential("smtp-password") == "smtp-secret-1"
    finally:
        keyring.set_keyring(previous)
