"""Alert rules and their hysteresis: raised once, escalated, cleared only when well clear.

An alert's life for one (metric, scope), evaluated again and again over a sliding window:
* a reading on too small a sample changes nothing (three payments never page anyone, and a
  quiet night never clears a real alert);
* crossing the warning or critical threshold raises the alert once, at that level;
* crossing critical while at warning escalates; a critical alert never steps back to warning;
* it clears only after `clear_after` consecutive readings beyond the warning threshold by
  `clear_margin`: a rate wobbling around the threshold neither flaps nor clears.
"""

from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum

ANY = "*"  # a rule for every method (or gateway) that has none of its own


class Level(IntEnum):
    NONE = 0
    WARNING = 1
    CRITICAL = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class Transition(StrEnum):
    RAISED = "raised"
    ESCALATED = "escalated"
    CLEARED = "cleared"


@dataclass(frozen=True)
class Rule:
    """Thresholds of one metric for one method (or ANY); rates are fractions (0.05 = 5 %)."""

    metric: str  # failure_rate | recovery_rate
    scope: str = ANY
    warning: float = 0.05
    critical: float = 0.10
    min_sample: int = 30
    window_days: int = 7
    clear_margin: float = 0.01
    clear_after: int = 3
    enabled: bool = True

    @property
    def high_is_bad(self) -> bool:
        return self.critical >= self.warning

    def level_of(self, value: float) -> Level:
        if self._beyond(value, self.critical):
            return Level.CRITICAL
        return Level.WARNING if self._beyond(value, self.warning) else Level.NONE

    def well_clear(self, value: float) -> bool:
        """Back on the good side of the warning threshold by the margin."""
        if self.high_is_bad:
            return value < self.warning - self.clear_margin
        return value > self.warning + self.clear_margin

    def threshold_for(self, level: Level) -> float:
        return self.critical if level is Level.CRITICAL else self.warning

    def _beyond(self, value: float, threshold: float) -> bool:
        return value >= threshold if self.high_is_bad else value <= threshold


DEFAULT_RULES = (
    Rule("failure_rate", warning=0.05, critical=0.10),
    # Recovery needs time: the window ends `RECOVERY_MATURITY_DAYS` ago (see the service).
    Rule("recovery_rate", warning=0.70, critical=0.50, window_days=30),
)
RECOVERY_MATURITY_DAYS = 14


def rule_for(metric: str, scope: str, rules: tuple[Rule, ...] | list[Rule]) -> Rule | None:
    """The scope's own rule, else the ANY rule; None when the metric has no enabled rule."""
    own = [r for r in rules if r.metric == metric and r.scope == scope]
    general = [r for r in rules if r.metric == metric and r.scope == ANY]
    chosen = own or general
    return chosen[0] if chosen and chosen[0].enabled else None


def merged_rules(overrides: list[Rule]) -> list[Rule]:
    """The defaults, each replaced by a configured rule of the same metric and scope."""
    keyed = {(r.metric, r.scope): r for r in DEFAULT_RULES}
    keyed.update({(r.metric, r.scope): r for r in overrides})
    return list(keyed.values())


@dataclass(frozen=True)
class Reading:
    """What one evaluation saw: the level it calls for and whether it is well clear."""

    level: Level
    well_clear: bool
    enough: bool  # the sample reached the minimum
    value: float | None = None
    sample: int = 0


def read(rule: Rule, value: float | None, sample: int) -> Reading:
    if value is None or sample < rule.min_sample:
        return Reading(Level.NONE, False, False, value, sample)
    return Reading(rule.level_of(value), rule.well_clear(value), True, value, sample)


@dataclass(frozen=True)
class AlertState:
    level: Level = Level.NONE
    clear_streak: int = 0  # consecutive well-clear readings while open


def step(
    state: AlertState, reading: Reading, clear_after: int
) -> tuple[AlertState, Transition | None]:
    """The next state of one alert after one reading, and the transition to announce."""
    if not reading.enough:
        return state, None
    if state.level is Level.NONE:
        if reading.level is Level.NONE:
            return state, None
        return AlertState(reading.level), Transition.RAISED
    if reading.level > state.level:
        return AlertState(reading.level), Transition.ESCALATED
    if not reading.well_clear:
        return replace(state, clear_streak=0), None
    streak = state.clear_streak + 1
    if streak >= clear_after:
        return AlertState(), Transition.CLEARED
    return replace(state, clear_streak=streak), None
