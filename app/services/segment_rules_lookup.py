"""Which segment rules hold for a case: its Smart Collect config segment, once edited by a
billing manager (the built-in version 0 leaves the engine as it always was)."""

from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from app.db.recovery_tables import recovery_cases
from app.recovery.segment_rules import SegmentRules, rules_from_config
from app.services.smart_collect_data import read_consumer
from app.services.smart_collect_queue import assess
from app.services.smart_collect_segments import SegmentConfig, current_configs

FRESH = timedelta(minutes=1)  # an edited configuration reaches running workers this soon


class SegmentLookup:
    """Segment rules per case, cached for a visit (and a minute) so the engine and the
    messenger of one visit do not classify the case twice."""

    def __init__(self, engine: Engine, fresh: timedelta = FRESH) -> None:
        self.engine, self.fresh = engine, fresh
        self._configs: tuple[datetime, dict[str, SegmentConfig]] | None = None
        self._cases: dict[str, tuple[datetime, SegmentRules | None]] = {}

    def rules_for(self, case_id: str, now: datetime) -> SegmentRules | None:
        configs = self._current(now)
        if not any(c.version > 0 for c in configs.values()):
            return None  # nothing edited: no need to classify anything
        cached = self._cases.get(case_id)
        if cached is not None and abs(now - cached[0]) <= self.fresh:
            return cached[1]
        segment = case_segment(self.engine, case_id, now)
        config = configs.get(segment) if segment else None
        rules = (
            rules_from_config(config.segment, config.version, config.settings)
            if config is not None and config.version > 0
            else None
        )
        self._cases[case_id] = (now, rules)
        return rules

    def _current(self, now: datetime) -> dict[str, SegmentConfig]:
        if self._configs is None or abs(now - self._configs[0]) > self.fresh:
            self._configs = (now, current_configs(self.engine))
            self._cases.clear()
        return self._configs[1]


def case_segment(engine: Engine, case_id: str, now: datetime) -> str | None:
    """The case's config segment (high_value | standard | at_risk), as the queue shows it."""
    with engine.connect() as connection:
        consumer_id = connection.execute(
            select(recovery_cases.c.consumer_id).where(recovery_cases.c.id == case_id)
        ).scalar_one_or_none()
    if consumer_id is None:
        return None
    return assess(engine, read_consumer(engine, consumer_id), case_id, now).segment("config")
