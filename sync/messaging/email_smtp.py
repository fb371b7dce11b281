"""E-mail over SMTP: STARTTLS (required by default), AUTH, multipart/alternative text + HTML,
our own Message-ID (bounces name it), and RFC 8058 one-click List-Unsubscribe headers.
"""

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from enum import StrEnum
from urllib.parse import quote

from app.recovery.channels import ChannelName, OutgoingMessage, SendReceipt
from app.recovery.unsubscribe import unsubscribe_token, unsubscribe_url


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"  # refuse to send over a server that does not offer it
    OPPORTUNISTIC = "opportunistic"  # STARTTLS when offered (loopback relays)
    IMPLICIT = "implicit"  # TLS from the first byte (port 465)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    from_address: str
    port: int = 587
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str = ""  # empty: no AUTH
    from_name: str = ""
    domain: str = ""  # Message-ID's right part; the sender's domain when empty
    unsubscribe_mailto: str = ""  # e.g. unsubscribe@example.com; the relay turns it into events
    public_url: str = ""  # the central server, for /u/{token} when the message has no link
    ca_file: str = ""  # a private CA (tests, in-house relays); the system's CAs otherwise
    timeout_s: float = 30.0

    @property
    def message_domain(self) -> str:
        return self.domain or self.from_address.rpartition("@")[2]


class SmtpChannel:
    name = ChannelName.EMAIL

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        password: str = "",
        unsubscribe_key: str = "",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.password = password
        self.unsubscribe_key = unsubscribe_key
        self.clock = clock

    def message_id(self, message: OutgoingMessage) -> str:
        return f"<{message.message_key}@{self.settings.message_domain}>"

    def compose(self, message: OutgoingMessage) -> EmailMessage:
        s = self.settings
        mail = EmailMessage()
        mail["From"] = formataddr((s.from_name, s.from_address)) if s.from_name else s.from_address
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(self.clock().astimezone(UTC))
        mail["Message-ID"] = self.message_id(message)
        links = self._unsubscribe_links(message)
        if links:
            mail["List-Unsubscribe"] = ", ".join(f"<{link}>" for link in links)
            if links[0].startswith("https://") or links[0].startswith("http://"):
                # RFC 8058: the mail client POSTs this body to the https link, no page visit.
                mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail.set_content(message.text)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        return mail

    def send(self, message: OutgoingMessage) -> SendReceipt:
        if not message.text.strip():
            return SendReceipt(False, error="The e-mail has no text.")
        try:
            mail = self.compose(message)
        except ValueError as error:  # a line break in a header would let text forge headers
            return SendReceipt(False, error=f"The e-mail cannot be composed: {error}")
        try:
            with self._connect() as smtp:
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            return _refused(code, reason)
        except smtplib.SMTPAuthenticationError as error:
            return SendReceipt(False, error=f"The SMTP server refused the login: {_text(error)}")
        except smtplib.SMTPResponseException as error:
            # A 5xx on MAIL or DATA is about the sender or the content, not the mailbox.
            return SendReceipt(
                False, error=f"The SMTP server said {error.smtp_code}: {_text(error)}"
            )
        except smtplib.SMTPNotSupportedError as error:
            return SendReceipt(False, error=str(error))
        except (smtplib.SMTPException, OSError) as error:
            return SendReceipt(False, error=f"The SMTP server could not be reached: {error}")
        if refused:  # only with several recipients; we send to one
            code, reason = next(iter(refused.values()))
            return _refused(code, reason)
        return SendReceipt(True, provider_id=mail["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file or None)
        if s.security is SmtpSecurity.IMPLICIT:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout_s, context=context
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        try:
            smtp.ehlo()
            if s.security is not SmtpSecurity.IMPLICIT:
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif s.security is SmtpSecurity.STARTTLS:
                    raise smtplib.SMTPNotSupportedError(
                        f"{s.host}:{s.port} does not offer STARTTLS; the password and the "
                        "consumer's details would travel in clear text."
                    )
            if s.username:
                smtp.login(s.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _unsubscribe_links(self, message: OutgoingMessage) -> list[str]:
        s = self.settings
        url = message.unsubscribe_url
        token = ""
        if self.unsubscribe_key:
            token = unsubscribe_token(
                self.unsubscribe_key, self.name, message.to, message.message_key
            )
            if not url and s.public_url:
                url = unsubscribe_url(s.public_url, token)
        links = [url] if url else []
        if s.unsubscribe_mailto:
            subject = quote(f"unsubscribe {token or message.message_key}")
            links.append(f"mailto:{s.unsubscribe_mailto}?subject={subject}")
        return links


def _refused(code: int, reason: bytes | str) -> SendReceipt:
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else reason
    # 5xx: the mailbox does not exist or will never take our mail; 4xx: try again later.
    return SendReceipt(False, error=f"{code} {text}", permanent=500 <= code < 600)


def _text(error: smtplib.SMTPResponseException) -> str:
    reason = error.smtp_error
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
