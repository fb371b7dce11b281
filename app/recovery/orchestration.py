"""Which channel carries a reminder: the one the consumer reads, one channel at a time.

The read rate of each channel is a Beta posterior: a flat prior, then the consumer's segment's
history (capped, so a crowd never drowns the person), then the consumer's own history. A
reminder goes out on the best usable channel; only a failure (not delivered, bounced) moves it
to the next channel in the fallback order, and never to a channel it has been on already.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

FALLBACK_ORDER = ("whatsapp", "sms", "email")  # a failed WhatsApp goes by SMS, then e-mail
SEGMENT_WEIGHT = 10.0  # the segment counts as at most this many of the consumer's own reminders


@dataclass(frozen=True)
class ChannelHistory:
    """Reminders sent on one channel, and how many of them were read (or led to payment)."""

    sent: int = 0
    read: int = 0

    def __post_init__(self) -> None:
        if self.sent < 0 or not 0 <= self.read <= self.sent:
            raise ValueError(f"read {self.read} of {self.sent} sent is not a history")


@dataclass(frozen=True)
class ReadRate:
    channel: str
    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


def read_rates(
    channels: Iterable[str],
    own: Mapping[str, ChannelHistory],
    segment: Mapping[str, ChannelHistory],
) -> list[ReadRate]:
    """Each channel's posterior read rate, best first (ties keep the fallback order)."""
    rates = []
    for channel in channels:
        alpha, beta = 1.0, 1.0
        crowd = segment.get(channel, ChannelHistory())
        if crowd.sent:
            scale = min(1.0, SEGMENT_WEIGHT / crowd.sent)
            alpha += crowd.read * scale
            beta += (crowd.sent - crowd.read) * scale
        mine = own.get(channel, ChannelHistory())
        alpha += mine.read
        beta += mine.sent - mine.read
        rates.append(ReadRate(channel, alpha, beta))
    order = {c: i for i, c in enumerate(FALLBACK_ORDER)}
    return sorted(rates, key=lambda r: (-r.mean, order.get(r.channel, len(order))))


class Outcome(StrEnum):
    PENDING = "pending"  # accepted by the provider, nothing heard yet
    DELIVERED = "delivered"  # delivered or read: the reminder reached the consumer
    FAILED = "failed"  # refused, not delivered, bounced


@dataclass(frozen=True)
class Sending:
    """One channel's try at one reminder."""

    channel: str
    outcome: Outcome


@dataclass(frozen=True)
class ChannelChoice:
    channel: str | None
    reason: str


def choose_channel(
    usable: Sequence[str],
    rates: Sequence[ReadRate],
    tried: Sequence[Sending] = (),
    *,
    case_open: bool = True,
) -> ChannelChoice:
    """The channel for a reminder's next sending, or None with the reason it must not go.

    `usable` are the channels enabled, configured, with a good contact point and no opt-out;
    `tried` are this reminder's sendings so far, oldest first.
    """
    if not case_open:
        return ChannelChoice(None, "the case is closed: no more reminders")
    if any(s.outcome is not Outcome.FAILED for s in tried):
        return ChannelChoice(None, "this reminder is already on its way on another channel")
    done = {s.channel for s in tried}
    left = [c for c in usable if c not in done]
    if not left:
        if tried:
            return ChannelChoice(None, "every usable channel failed for this reminder")
        return ChannelChoice(None, "the consumer has no channel we may use")
    if tried:
        after = _fallbacks_after(tried[-1].channel)
        for channel in after:
            if channel in left:
                return ChannelChoice(channel, f"{tried[-1].channel} failed: falling back")
        # Past the end of the order: the rest, best read first.
    ranked = [r.channel for r in rates if r.channel in left] + [
        c for c in left if c not in {r.channel for r in rates}
    ]
    best = ranked[0]
    return ChannelChoice(best, "the channel this consumer reads most" if not tried else "")


def _fallbacks_after(channel: str) -> tuple[str, ...]:
    if channel not in FALLBACK_ORDER:
        return FALLBACK_ORDER
    return FALLBACK_ORDER[FALLBACK_ORDER.index(channel) + 1 :]


def usable_channels(
    enabled: Iterable[str],
    configured: Iterable[str],
    good_contacts: Iterable[str],
    opted_out: Iterable[str],
) -> list[str]:
    """Enabled in settings, with a channel set up, a contact point that works, no opt-out."""
    present, good, refused = set(configured), set(good_contacts), set(opted_out)
    return [c for c in enabled if c in present and c in good and c not in refused]
