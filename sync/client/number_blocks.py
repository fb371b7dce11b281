"""At sync: lease a new block of numbers for every series without {TERM} that runs low."""

import uuid
from typing import cast

from app.db.database import Database
from app.services.number_blocks import blocks_to_lease, store_block
from sync.client.http import ServerClient
from sync.protocol import LeasedSeries, NumberBlockRequest

# A series still low after this many leases in one sync is left for the next one (a block
# size of 1 would otherwise keep one sync asking).
MAX_LEASES_PER_SERIES = 3


def refill_numbers(db: Database, client: ServerClient) -> int:
    """Lease until no series is under its low-water mark; returns the blocks leased. Each
    block is stored in its own short transaction, never across the network call."""
    leased = 0
    for _ in range(MAX_LEASES_PER_SERIES):
        wanted = blocks_to_lease(db.unit_of_work())
        if not wanted:
            break
        for series, period in wanted:
            block = client.lease_numbers(
                NumberBlockRequest(
                    request_id=uuid.uuid4(), series=cast(LeasedSeries, series), period=period
                )
            )
            store_block(
                db.unit_of_work(),
                request_id=block.request_id,
                series=block.series,
                period=block.period,
                first=block.first,
                last=block.last,
            )
            leased += 1
    return leased
