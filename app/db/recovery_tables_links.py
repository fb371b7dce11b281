"""Recovery tables of payment links: issued links, their uses and the payments made through them."""

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table, Text

from app.db.base import UtcDateTime
from app.db.recovery_tables import metadata

# One row per issued link. The nonce is the link's id inside its signed token: a link that is
# not here (or whose row says it was paid) is refused whatever its signature says.
# status: issued -> checkout (sent to the gateway's page) -> paid; plan requests stay 'issued'
# or 'checkout' and are recorded as recovery events. checkout -> closed: the case stopped being
# payable through links and the session was expired (a 'link_closed' event says when and why).
payment_links = Table(
    "recovery_payment_links",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("case_id", String(64), ForeignKey("recovery_cases.id"), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    # Taken off what the case owed by the consumer's discount offer when the link was issued.
    Column("discount_minor", BigInteger, nullable=False, default=0, server_default="0"),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False, default="issued"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("opened_at", UtcDateTime),  # first time the consumer opened the page
    Column("checkout_at", UtcDateTime),
    Column("checkout_session", String(128), unique=True),  # the gateway's session id
    Column("checkout_url", Text),
    Column("plan_requested_at", UtcDateTime),  # asked for a plan: the executive calls
    Column("used_at", UtcDateTime),  # paid: set exactly once, by the gateway's webhook
    Column("payment_reference", String(128)),  # the gateway's payment (PaymentIntent) id
    Index("ix_recovery_payment_links_case_id", "case_id"),
)
