"""A discount offer on a recovery case: what it forgives, and the price the consumer pays.

An offer comes from a retention-offers arm of an A/B test (`small_discount` 10 %,
`medium_discount` 25 %, `large_discount` 50 %, `discount_N`) or from a segment configuration
that offers a discount. Once the consumer has paid the discounted price, the rest is written
off, so recovered + written off = the amount the case owed.
"""

from dataclasses import dataclass

EXPERIMENT, SEGMENT = "experiment", "segment"


@dataclass(frozen=True)
class DiscountOffer:
    percent: int
    source: str  # experiment | segment
    experiment_id: int | None = None
    variant: str | None = None
    segment: str | None = None

    def forgiven(self, amount_minor: int) -> int:
        """Rounded down to a minor unit: never more off than the offer says."""
        return max(0, amount_minor) * max(0, min(self.percent, 100)) // 100

    def price(self, amount_minor: int) -> int:
        """What the consumer pays for the whole case under the offer."""
        return amount_minor - self.forgiven(amount_minor)

    @property
    def label(self) -> str:
        if self.source == EXPERIMENT:
            return (
                f"retention_offers arm {self.variant!r} of A/B test {self.experiment_id}"
                f" ({self.percent}% off)"
            )
        return f"the {self.segment} segment's discount offer ({self.percent}% off)"


def write_off_due(offer: DiscountOffer | None, amount_minor: int, owed_minor: int) -> int:
    """What to write off now: the rest still owed once the discounted price is paid (0 while
    more than the offer forgives is owed, or when nothing is owed)."""
    if offer is None or owed_minor <= 0:
        return 0
    return owed_minor if owed_minor <= offer.forgiven(amount_minor) else 0
