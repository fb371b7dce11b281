"""Recovery tables of payment links: issued links, their uses and the payments made through them."""

from app.db.recovery_tables import metadata  # noqa: F401
