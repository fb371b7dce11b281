"""What the server remembers of its recovery feed: each published case's signature (so only
changed cases are published again) and its cursors (which counter payments settled cases)."""

from sqlalchemy import BigInteger, Column, DateTime, Table, Text

from sync.server.tables import metadata

# case id -> the signature of the case as last published (status, amounts, newest rows).
recovery_feed_cases = Table(
    "recovery_feed_cases",
    metadata,
    Column("case_id", Text, primary_key=True),
    Column("signature", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

# A named cursor over the change feed: "counter_payments" is the last seq whose counter
# payments were looked at for open recovery cases.
recovery_feed_cursors = Table(
    "recovery_feed_cursors",
    metadata,
    Column("name", Text, primary_key=True),
    Column("seq", BigInteger, nullable=False),
)
