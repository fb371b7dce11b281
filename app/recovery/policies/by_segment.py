"""`recovery simulate` under segment configurations: each case follows its config segment's
rules (grace, attempt cap, spacing, aggressiveness, channels), as `recovery run` does."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from app.recovery.cases import RecoveryCase
from app.recovery.decisions import Decision
from app.recovery.policies.common import Books, Policy
from app.recovery.segment_rules import SegmentPolicy, SegmentRules, segment_channels


@dataclass
class BySegment:
    """One policy per config segment (the smart policy's knobs differ per segment, so each
    segment gets its own instance); cases of an unedited segment follow the plain policy."""

    name: str
    plain: Policy
    policies: dict[str, Policy]
    segment_of: dict[str, str]  # case id -> config segment

    def _policy(self, case: RecoveryCase) -> Policy:
        return self.policies.get(self.segment_of.get(case.case_id, ""), self.plain)

    def decide(self, case: RecoveryCase, now: datetime) -> Decision:
        return self._policy(case).decide(case, now)

    def message_sent(self, case: RecoveryCase, at: datetime) -> None:
        hook = getattr(self._policy(case), "message_sent", None)
        if hook is not None:
            hook(case, at)


def by_segment(
    make: Callable[[], Policy],
    books: Books,
    cases: Mapping[str, RecoveryCase],
    segment_of: dict[str, str],
    rules: Mapping[str, SegmentRules],
) -> Policy:
    """The policy `make` builds, under the edited segments' `rules`; plain without any."""
    plain = make()
    if not rules:
        return plain
    policies: dict[str, Policy] = {}
    for case_id, segment in segment_of.items():
        found = rules.get(segment)
        if found is None:
            continue
        case = cases[case_id]
        case.preferred_channels = tuple(segment_channels(found, case.preferred_channels))
        if segment not in policies:
            # SegmentPolicy reads its name from the policy it holds (a Policy all the same).
            policies[segment] = cast(Policy, SegmentPolicy(make(), books, found))
    return BySegment(plain.name, plain, policies, segment_of)
