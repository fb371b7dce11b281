"""Recovery tables of payment plans offered to consumers and their installments."""

from app.db.recovery_tables import metadata  # noqa: F401
