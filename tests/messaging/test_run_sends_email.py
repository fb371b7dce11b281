"""`tilldesk recovery run --messaging FILE` sends its reminders for real: e-mail to an SMTP
server on loopback, with a signed payment link and a one-click unsubscribe header."""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import holidays
import keyring
import pytest
from aiosmtpd.controller import Controller

from cli.commands.recovery_service import run_service
from cli.main import build_parser, main
from tests.support.vendors import free_port
from tests.sync_client.support import MemoryKeyring

PUBLIC = "https://pay.example.org"


@dataclass
class Mailbox:
    mails: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


def a_working_morning(after: date) -> datetime:
    """10:00 in New York on the next weekday that is no holiday there: reminders may go."""
    day, off = after + timedelta(days=1), holidays.country_holidays("US", subdiv="NY")
    while day.weekday() >= 5 or day in off:
        day += timedelta(days=1)
    return datetime.combine(day, time(10), ZoneInfo("America/New_York")).astimezone(UTC)


@pytest.fixture
def secrets():
    previous, memory = keyring.get_keyring(), MemoryKeyring()
    memory.set_password("tilldesk-messaging", "unsubscribe-signing-key", "u" * 40)
    memory.set_password("tilldesk-server", "payment-link-secret", "p" * 40)
    keyring.set_keyring(memory)
    yield
    keyring.set_keyring(previous)


def test_the_service_mails_the_demo_reminders_with_their_links(tmp_path, capsys, secrets):
    mailbox, port = Mailbox(), free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    db = str(tmp_path / "recovery.sqlite")
    config = tmp_path / "messaging.toml"
    config.write_text(
        f'[messaging]\npublic_url = "{PUBLIC}"\n'
        f'[messaging.email]\nhost = "127.0.0.1"\nport = {port}\n'
        'from_address = "reminders@utility.example"\nsecurity = "opportunistic"\n'
    )
    try:
        assert main(["recovery", "demo", "--db", db]) == 0
        morning = a_working_morning(datetime.now(UTC).date())
        args = build_parser().parse_args(
            ["recovery", "run", "--db", db, "--gateway", "demo", "--once",
             "--model-check-seconds", "0", "--messaging", str(config), "--json"]
        )  # fmt: skip
        assert run_service(args, clock=lambda: morning) == 0
    finally:
        smtp.stop()
    capsys.readouterr()
    assert mailbox.mails, "no reminder reached the SMTP server"
    for mail in mailbox.mails:
        assert mail["To"].endswith("@example.com")
        assert mail["List-Unsubscribe"].startswith(f"<{PUBLIC}/u/")
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = mail.get_body(preferencelist=("plain",)).get_content()
        html = mail.get_body(preferencelist=("html",)).get_content()
        assert f"{PUBLIC}/pay/" in text and f"{PUBLIC}/pay/" in html
    assert main(["recovery", "messages", "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len([m for m in shown if m["channel"] == "email"]) == len(mailbox.mails)
