"""Client-generated, time-ordered record ids: the idempotency key of every record forever."""

import uuid

import uuid6


def new_id() -> uuid.UUID:
    """A UUIDv7: sortable by creation time, unique without asking the server."""
    return uuid.UUID(int=uuid6.uuid7().int)
