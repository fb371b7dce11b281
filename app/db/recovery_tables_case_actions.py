"""Recovery tables of what people do on a case: notes and manual escalations."""

from app.db.recovery_tables import metadata  # noqa: F401
