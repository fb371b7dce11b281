"""E-mail to a real SMTP server on loopback (aiosmtpd) that requires STARTTLS and AUTH."""

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.recovery.channels import ChannelName, OutgoingMessage
from app.recovery.unsubscribe import read_unsubscribe_token
from sync.messaging.email_smtp import SmtpChannel, SmtpSecurity, SmtpSettings
from tests.support.vendors import free_port

USER, PASSWORD = "reminders@tilldesk.example", "smtp-secret"
UNSUBSCRIBE_KEY = "unsubscribe-test-key"
NO_SUCH_USER = "nobody@example.org"
BUSY = "busy@example.org"


@dataclass
class Mailbox:
    """What the SMTP server accepted, and how the session that sent it looked."""

    mails: list[tuple[list[str], EmailMessage, bool, bool]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == NO_SUCH_USER:
            return "550 5.1.1 <nobody@example.org>: Recipient address rejected"
        if address == BUSY:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.original_content, policy=policy.default)
        tls = session.ssl is not None
        self.mails.append((list(envelope.rcpt_tos), mail, tls, bool(session.authenticated)))
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp.pem", directory / "smtp.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox
    ca_file: str


def serve(mailbox: Mailbox, **smtp: object) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **smtp)
    controller.start()
    return controller, port


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    mailbox = Mailbox()
    controller, port = serve(
        mailbox,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    yield SmtpServer(port, mailbox, str(cert_file))
    controller.stop()


def channel(server: SmtpServer, **overrides: object) -> SmtpChannel:
    values: dict = {
        "host": "127.0.0.1",
        "port": server.port,
        "from_address": USER,
        "from_name": "City Power",
        "username": USER,
        "unsubscribe_mailto": "unsubscribe@tilldesk.example",
        "public_url": "https://pay.tilldesk.example",
        "ca_file": server.ca_file,
    }
    return SmtpChannel(
        SmtpSettings(**{**values, **overrides}),
        password=PASSWORD,
        unsubscribe_key=UNSUBSCRIBE_KEY,
    )


def reminder(to: str = "asha@example.org") -> OutgoingMessage:
    return OutgoingMessage(
        ChannelName.EMAIL,
        to,
        "Your payment of $42.00 failed. Pay here: https://pay.tilldesk.example/p/abc",
        message_key="0193b6f2-7c1e-7000-8000-000000000001",
        subject="Your payment did not go through",
        html="<p>Your payment of <b>$42.00</b> failed.</p>",
    )


def test_a_reminder_arrives_over_starttls_with_auth_and_both_parts(smtp_server):
    receipt = channel(smtp_server).send(reminder())

    assert receipt.accepted
    (recipients, mail, over_tls, authenticated) = smtp_server.mailbox.mails[0]
    assert recipients == ["asha@example.org"] and over_tls and authenticated
    assert mail["Message-ID"] == "<0193b6f2-7c1e-7000-8000-000000000001@tilldesk.example>"
    assert receipt.provider_id == mail["Message-ID"]
    assert mail["Subject"] == "Your payment did not go through"
    assert mail["From"] == f"City Power <{USER}>"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    page = mail.get_body(("html",)).get_content()
    assert "$42.00 failed" in text and "<b>$42.00</b>" in page


def test_the_unsubscribe_headers_offer_one_click_https_and_mailto(smtp_server):
    channel(smtp_server).send(reminder())

    mail = smtp_server.mailbox.mails[0][1]
    https_link, mailto_link = (part.strip(" <>") for part in mail["List-Unsubscribe"].split(","))
    assert https_link.startswith("https://pay.tilldesk.example/u/")
    assert mailto_link.startswith("mailto:unsubscribe@tilldesk.example?subject=unsubscribe%20")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    asked = read_unsubscribe_token(UNSUBSCRIBE_KEY, https_link.rsplit("/", 1)[1])
    assert (asked.contact, asked.message_key) == ("asha@example.org", reminder().message_key)


def test_a_550_recipient_refusal_is_a_permanent_failure(smtp_server):
    receipt = channel(smtp_server).send(reminder(NO_SUCH_USER))

    assert not receipt.accepted and receipt.permanent
    assert "550" in (receipt.error or "")
    assert smtp_server.mailbox.mails == []


def test_a_450_is_temporary(smtp_server):
    receipt = channel(smtp_server).send(reminder(BUSY))

    assert not receipt.accepted and not receipt.permanent


def test_a_wrong_password_is_reported_and_nothing_is_sent(smtp_server):
    sender = channel(smtp_server)
    sender.password = "wrong"

    receipt = sender.send(reminder())

    assert not receipt.accepted and not receipt.permanent
    assert "login" in (receipt.error or "")
    assert smtp_server.mailbox.mails == []


def test_a_server_without_starttls_gets_no_password_and_no_mail():
    mailbox = Mailbox()
    controller, port = serve(mailbox, auth_require_tls=False, authenticator=authenticator)
    try:
        server = SmtpServer(port, mailbox, "")
        receipt = channel(server, security=SmtpSecurity.STARTTLS).send(reminder())
    finally:
        controller.stop()

    assert not receipt.accepted and "STARTTLS" in (receipt.error or "")
    assert mailbox.mails == []


def test_a_loopback_relay_without_tls_takes_mail_when_tls_is_opportunistic():
    mailbox = Mailbox()
    controller, port = serve(mailbox)
    try:
        server = SmtpServer(port, mailbox, "")
        receipt = channel(server, security=SmtpSecurity.OPPORTUNISTIC, username="").send(reminder())
    finally:
        controller.stop()

    assert receipt.accepted and len(mailbox.mails) == 1


def test_a_subject_with_a_line_break_cannot_forge_headers(smtp_server):
    forged = OutgoingMessage(
        ChannelName.EMAIL, "asha@example.org", "text", "msg-2", subject="Hi\nBcc: all@example.org"
    )

    receipt = channel(smtp_server).send(forged)

    assert not receipt.accepted and smtp_server.mailbox.mails == []
