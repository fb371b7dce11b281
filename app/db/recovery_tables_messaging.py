"""Recovery tables of reminders: contact points, consents, opt-outs, message events, links."""

from app.db.recovery_tables import metadata  # noqa: F401
