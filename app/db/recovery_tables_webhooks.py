"""Recovery tables of the webhooks area: outgoing webhooks: endpoints, events, deliveries."""

from app.db.recovery_tables import metadata  # noqa: F401
