"""Recovery tables of Smart Collect: segments and their configurations, escalations, schedules."""

from app.db.recovery_tables import metadata  # noqa: F401
