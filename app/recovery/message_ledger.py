"""The message ledger: caps, opt-outs and quiet hours; messages go out only under its permits."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.errors import UserFacingError
from app.recovery import quiet_hours
from app.recovery.ledger import AttemptLedger
from app.recovery.messaging_rules import MessagingRules
from app.recovery.network_rules import CaseState
from app.recovery.quiet_hours import QuietHours

WEEK = timedelta(days=7)
EDGE = timedelta(seconds=1)
PER_LOCAL_DAY = 1
PER_ROLLING_WEEK = 3

_SEAL = object()


@dataclass(frozen=True)
class Recipient:
    consumer_id: str
    zones: tuple[ZoneInfo, ...]
    country: str
    subdivision: str


@dataclass(frozen=True)
class MessagePermit:
    case_id: str
    consumer_id: str
    channel: str
    at: datetime
    urgent: bool
    seal: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.seal is not _SEAL:
            raise TypeError("message permits are granted by MessageLedger.permit() only")


def next_allowed(
    at: datetime,
    recipient: Recipient,
    rules: MessagingRules,
    *,
    sent: Iterable[datetime] = (),
) -> datetime:
    """The first instant >= `at` at which a reminder may reach `recipient` under `rules`,
    given their earlier reminders (`sent`): never in quiet hours, a rest day, a holiday of
    their region or above the caps."""
    return quiet_hours.next_allowed(
        at, recipient.zones, recipient.country, recipient.subdivision, rules, sent=sent
    )


class MessageRefused(UserFacingError):
    """The messaging rules forbid this message now."""


class MessageLedger:
    def __init__(
        self,
        attempts: AttemptLedger,
        quiet: QuietHours | None = None,
        rules: MessagingRules | None = None,
    ) -> None:
        self.attempts = attempts
        self.rules = rules or (quiet.rules if quiet else MessagingRules())
        self.quiet = quiet or QuietHours(rules=self.rules)
        self.per_day, self.per_week = self.rules.per_day, self.rules.per_week
        self._sent: dict[str, list[datetime]] = defaultdict(list)
        self._opted_out: set[tuple[str, str]] = set()
        self._urgent_used: set[str] = set()

    def sent_before(self, consumer_id: str, at: datetime) -> None:
        """A message from history: it counts against this week's caps."""
        self._sent[consumer_id].append(at)

    def opted_out(self, consumer_id: str, channel: str) -> None:
        self._opted_out.add((consumer_id, channel))

    def is_opted_out(self, consumer_id: str, channel: str) -> bool:
        return (consumer_id, channel) in self._opted_out

    def may_break_quiet_hours(self, case_id: str, high_value: bool) -> bool:
        return high_value and case_id not in self._urgent_used

    def refusal(
        self,
        case_id: str,
        to: Recipient,
        channel: str,
        at: datetime,
        *,
        urgent: bool = False,
        high_value: bool = False,
    ) -> str | None:
        state = self.attempts.book(case_id).state
        if state is not CaseState.OPEN:
            return f"the case is {state.value}"
        if self.is_opted_out(to.consumer_id, channel):
            return f"the consumer opted out of {channel}"
        if urgent and not self.may_break_quiet_hours(case_id, high_value):
            return "urgent is only for the high-value segment, once per case"
        if not urgent:
            for zone in to.zones:
                why = self.quiet.reason(at, zone, to.country, to.subdivision)
                if why:
                    return why
        return self._cap_refusal(to, at)

    def _cap_refusal(self, to: Recipient, at: datetime) -> str | None:
        sent = self._sent[to.consumer_id]
        if any(s > at for s in sent):
            return "a message cannot be placed before an earlier one"
        for zone in to.zones:
            today = at.astimezone(zone).date()
            if sum(1 for s in sent if s.astimezone(zone).date() == today) >= self.per_day:
                return "the consumer already had a message today"
        if sum(1 for s in sent if s >= at - WEEK - EDGE) >= self.per_week:
            return f"the consumer already had {self.per_week} messages in seven days"
        return None

    def next_allowed_time(
        self, case_id: str, to: Recipient, channel: str, after: datetime
    ) -> datetime | None:
        """The first instant >= `after` for a non-urgent message; None if never."""
        if self.attempts.book(case_id).state is not CaseState.OPEN:
            return None
        if self.is_opted_out(to.consumer_id, channel):
            return None
        sent = self._sent[to.consumer_id]
        t = max([after, *sent])
        for _ in range(100):
            t = self.quiet.next_open(t, to.zones, to.country, to.subdivision)
            later = max([t, *self._cap_frees(sent, to, t, self.per_day, self.per_week)])
            if later == t and self.refusal(case_id, to, channel, t) is None:
                return t
            t = later if later > t else t + timedelta(minutes=1)
        return None

    @staticmethod
    def _cap_frees(
        sent: list[datetime],
        to: Recipient,
        t: datetime,
        per_day: int = PER_LOCAL_DAY,
        per_week: int = PER_ROLLING_WEEK,
    ) -> list[datetime]:
        frees = []
        for zone in to.zones:
            today: date = t.astimezone(zone).date()
            if sum(1 for s in sent if s.astimezone(zone).date() == today) >= per_day:
                midnight = datetime.combine(today + timedelta(days=1), datetime.min.time(), zone)
                frees.append(midnight.astimezone(t.tzinfo))
        week = sorted(s for s in sent if s >= t - WEEK - EDGE)
        if len(week) >= per_week:
            frees.append(week[len(week) - per_week] + WEEK + EDGE + timedelta(seconds=1))
        return frees

    def permit(
        self,
        case_id: str,
        to: Recipient,
        channel: str,
        at: datetime,
        *,
        urgent: bool = False,
        high_value: bool = False,
    ) -> MessagePermit:
        why = self.refusal(case_id, to, channel, at, urgent=urgent, high_value=high_value)
        if why is not None:
            raise MessageRefused(f"Message on case {case_id} refused: {why}.")
        # Counted when sent, accepted or not: the consumer may have seen it either way.
        self._sent[to.consumer_id].append(at)
        if urgent:
            self._urgent_used.add(case_id)
        return MessagePermit(case_id, to.consumer_id, channel, at, urgent, _SEAL)
