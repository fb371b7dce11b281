"""What can go wrong when talking to a gateway or reading what it sent us."""


class SignatureError(Exception):
    """A webhook whose signature is missing, malformed, forged or too old: answer 400, ignore it."""


class GatewayError(Exception):
    """A gateway call that did not succeed.

    `retryable` says whether the same call may succeed later (time-outs, 5xx, 429); a 4xx or a
    decline is final and retrying it would only annoy the card network.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        http_status: int | None = None,
        code: str | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.http_status = http_status
        self.code = code
        self.decline_code = decline_code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class PayloadError(GatewayError):
    """A correctly signed webhook whose body we cannot read (bad JSON, a field missing)."""


class UnsupportedEvent(GatewayError):
    """A correctly signed webhook of a kind we do not track: acknowledge it and move on."""


class MissingKey(GatewayError):
    """A gateway key is not in the keyring; the message names it and how to add it."""
