"""The central server's messaging routes, wired to the recovery database (composition root).

Provider callbacks are verified with secrets from the keyring (service "tilldesk-messaging":
twilio-auth-token, whatsapp-app-secret, whatsapp-verify-token, email-relay-secret,
unsubscribe-signing-key) and recorded by app.services.message_events.
"""

from fastapi import APIRouter

from app.recovery.channels import DeliveryEvent
from app.services.message_events import record_delivery_events
from app.services.recovery_database import recovery_db_url, shared_recovery_database
from cli.wiring.server_options import ServerOptions
from sync.messaging.credentials import optional_credential
from sync.server.messaging_webhooks import SecretLookup, messaging_router


def routers(options: ServerOptions, *, secret: SecretLookup | None = None) -> list[APIRouter]:
    """This area's routers for the server app (none when the area is not configured)."""
    if not options.recovery_db:
        return []
    engine = shared_recovery_database(recovery_db_url(options.recovery_db))

    def record(events: list[DeliveryEvent]) -> None:
        record_delivery_events(engine, events)

    lookup = secret or optional_credential
    return [messaging_router(record, lookup, options.clock, public_url=options.public_url)]
