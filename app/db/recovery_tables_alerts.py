"""Recovery tables of the alerts area: payment-method alerts and their state."""

from app.db.recovery_tables import metadata  # noqa: F401
