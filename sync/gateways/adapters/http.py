"""HTTP to a gateway with time-outs and back-off: 5xx, 429 and time-outs are retried with
jittered exponential back-off, 4xx never (the request itself is wrong; repeating it won't help).
"""

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from sync.gateways.errors import GatewayError

log = logging.getLogger(__name__)
MAX_RETRY_AFTER_S = 30.0


class HttpClient:
    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        attempts: int = 4,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers.update(headers or {})

    def request(
        self,
        method: str,
        path: str,
        *,
        repeatable: bool = True,
        **kwargs: Any,
    ) -> requests.Response:
        """Send, retrying what may succeed later. A request that is not `repeatable` (it could
        move money twice) is retried only when it surely never left: a connect failure."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except (requests.ConnectTimeout, requests.ConnectionError) as error:
                sent = not isinstance(error, requests.ConnectTimeout) and _maybe_sent(error)
                if last or (sent and not repeatable):
                    raise _unreachable(url, error, ambiguous=sent) from None
                self._back_off(attempt, None, f"{method} {path}: {type(error).__name__}")
                continue
            except requests.Timeout as error:  # read time-out: it may have been processed
                if last or not repeatable:
                    raise _unreachable(url, error, ambiguous=True) from None
                self._back_off(attempt, None, f"{method} {path}: read time-out")
                continue
            if not _retryable(response) or last or not repeatable:
                return response
            self._back_off(attempt, response, f"{method} {path}: HTTP {response.status_code}")
        raise AssertionError("unreachable")  # pragma: no cover

    def _back_off(self, attempt: int, response: requests.Response | None, why: str) -> None:
        delay = random.uniform(0, self.backoff_s * 2 ** (attempt - 1))
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after and retry_after.isdigit():
            delay = min(float(retry_after), MAX_RETRY_AFTER_S)
        log.warning("gateway retry %d in %.2fs after %s", attempt, delay, why)
        self.sleep(delay)


def _retryable(response: requests.Response) -> bool:
    if response.headers.get("Stripe-Should-Retry") == "false":
        return False
    return response.status_code >= 500 or response.status_code == 429


def raise_for_retryable(response: requests.Response, gateway: str) -> None:
    """After the retries ran out, a 5xx or 429 is still worth trying again later."""
    if _retryable(response) or response.status_code >= 500:
        raise GatewayError(
            f"{gateway} is unavailable (HTTP {response.status_code}); try again later.",
            retryable=True,
            http_status=response.status_code,
        )


def _maybe_sent(error: requests.ConnectionError) -> bool:
    """A connection refused or a name that does not resolve never carried the request."""
    text = str(error).lower()
    return not any(
        word in text for word in ("refused", "name or service", "nodename", "failed to resolve")
    )


def _unreachable(url: str, error: Exception, *, ambiguous: bool) -> GatewayError:
    what = "did not answer in time" if ambiguous else "could not be reached"
    return GatewayError(
        f"The gateway at {url} {what}; try again later.",
        retryable=True,
        code="ambiguous" if ambiguous else "unreachable",
    )
