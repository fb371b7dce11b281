"""Recovery tables of A/B experiments: tests, variants, assignments, outcomes."""

from app.db.recovery_tables import metadata  # noqa: F401
