"""Ask a gateway where its pending payments stand: for payments whose webhooks were lost, and
for settlement, which Stripe and NMI report per batch rather than per payment."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sync.gateways.adapters.base import GatewayAdapter
from sync.gateways.errors import GatewayError
from sync.gateways.events import GatewayEvent

log = logging.getLogger(__name__)


@dataclass
class PollResult:
    events: list[GatewayEvent] = field(default_factory=list)  # apply each through advance()
    errors: dict[str, str] = field(default_factory=dict)  # external id -> why it was skipped
    gateway_down: bool = False  # a retryable failure: the rest waits for the next round


def poll(adapter: GatewayAdapter, external_ids: Iterable[str]) -> PollResult:
    """The current state of each payment. One unknown id does not stop the others; a gateway
    that is unreachable stops the round (asking again at once would only add load)."""
    result = PollResult()
    for external_id in external_ids:
        try:
            result.events.append(adapter.status(external_id))
        except GatewayError as error:
            log.warning("poll %s %s: %s", adapter.name, external_id, error.message)
            result.errors[external_id] = error.message
            if error.retryable:
                result.gateway_down = True
                break
    return result
