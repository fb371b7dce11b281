"""Signed unsubscribe tokens: `/u/{token}` names a contact point and the message it came in,
so an opt-out link works without a login and without a guessable id.

HMAC-SHA256 over the payload with a key both the sender and the central server hold. Tokens
do not expire: an unsubscribe link must keep working for as long as the mail is in an inbox.
"""

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

from app.recovery.channels import ChannelName


class BadUnsubscribeToken(Exception):
    """A token that was altered, truncated or signed with another key."""


@dataclass(frozen=True)
class UnsubscribeRequest:
    channel: ChannelName
    contact: str  # the address (or number) that asks to hear no more
    message_key: str  # the message whose link was used


def unsubscribe_token(key: str, channel: ChannelName, contact: str, message_key: str) -> str:
    payload = json.dumps(
        {"ch": str(channel), "to": contact, "m": message_key}, separators=(",", ":")
    ).encode()
    body = _b64(payload)
    return f"{body}.{_b64(_sign(key, body))}"


def unsubscribe_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


def read_unsubscribe_token(key: str, token: str) -> UnsubscribeRequest:
    body, _, signature = token.partition(".")
    try:
        given = _unb64(signature)
        if not body or not hmac.compare_digest(given, _sign(key, body)):
            raise BadUnsubscribeToken("The unsubscribe link is not valid.")
        data = json.loads(_unb64(body))
        return UnsubscribeRequest(ChannelName(data["ch"]), str(data["to"]), str(data["m"]))
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise BadUnsubscribeToken("The unsubscribe link is not valid.") from error


def _sign(key: str, body: str) -> bytes:
    return hmac.new(key.encode(), body.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
