"""Where simulated consumers live: countries, states, zones, phones, languages, payment habits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    subdivision: str
    zone: str
    area_codes: tuple[str, ...] = ()  # US only: codes that map to this one zone
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Region:
    country: str
    currency: str
    weight: float
    places: tuple[Place, ...]
    languages: tuple[str, ...]
    pay_kinds: tuple[tuple[str, float], ...]
    monthly_days: tuple[int, ...]
    methods: tuple[tuple[tuple[str, str], float], ...]  # ((method, gateway), weight)
    networks: tuple[tuple[str, float], ...]
    whatsapp_share: float
    zone_derivable: bool  # the zone may be left empty: phone or country decide it
    bill_median_minor: int
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


REGIONS = (
    Region(
        country="US",
        currency="USD",
        weight=0.35,
        places=(
            Place("NY", "America/New_York", ("212", "718", "917")),
            Place("FL", "America/New_York", ("305", "407")),
            Place("GA", "America/New_York", ("404",)),
            Place("TX", "America/Chicago", ("214", "512", "713")),
            Place("IL", "America/Chicago", ("312", "773")),
            Place("CO", "America/Denver", ("303", "720")),
            Place("AZ", "America/Phoenix", ("602", "480")),
            Place("CA", "America/Los_Angeles", ("213", "310", "415"), ("en-US", "es-US")),
            Place("WA", "America/Los_Angeles", ("206", "425")),
        ),
        languages=("en-US",),
        pay_kinds=(("biweekly", 0.4), ("semimonthly", 0.25), ("monthly", 0.2), ("irregular", 0.15)),
        monthly_days=(1, 15, 28, 31),
        methods=((("card", "nmi"), 0.6), (("card", "stripe"), 0.4)),
        networks=(("visa", 0.55), ("mastercard", 0.35), ("amex", 0.1)),
        whatsapp_share=0.25,
        zone_derivable=True,
        bill_median_minor=9_000,
        first_names=("James", "Maria", "Robert", "Linda", "Michael", "Jennifer", "Carlos", "Aisha"),
        last_names=("Smith", "Johnson", "Garcia", "Brown", "Davis", "Martinez", "Lee", "Walker"),
    ),
    Region(
        country="IN",
        currency="INR",
        weight=0.3,
        places=(
            Place("MH", "Asia/Kolkata", languages=("mr-IN", "hi-IN", "en-IN")),
            Place("KA", "Asia/Kolkata", languages=("kn-IN", "en-IN")),
            Place("TN", "Asia/Kolkata", languages=("ta-IN", "en-IN")),
            Place("DL", "Asia/Kolkata", languages=("hi-IN", "en-IN")),
            Place("WB", "Asia/Kolkata", languages=("bn-IN", "en-IN")),
            Place("GJ", "Asia/Kolkata", languages=("gu-IN", "en-IN")),
            Place("TS", "Asia/Kolkata", languages=("te-IN", "en-IN")),
            Place("UP", "Asia/Kolkata", languages=("hi-IN",)),
        ),
        languages=("en-IN",),
        pay_kinds=(("monthly", 0.7), ("irregular", 0.2), ("semimonthly", 0.1)),
        monthly_days=(1, 1, 5, 7, 10, 31),
        methods=(
            (("card", "razorpay"), 0.35),
            (("enach", "razorpay"), 0.35),
            (("upi_autopay", "razorpay"), 0.3),
        ),
        networks=(("rupay", 0.4), ("visa", 0.35), ("mastercard", 0.25)),
        whatsapp_share=0.9,
        zone_derivable=True,
        bill_median_minor=180_000,
        first_names=("Aarav", "Priya", "Rahul", "Ananya", "Vikram", "Lakshmi", "Arjun", "Fatima"),
        last_names=("Sharma", "Patel", "Iyer", "Reddy", "Banerjee", "Khan", "Deshpande", "Nair"),
    ),
    Region(
        country="GB",
        currency="GBP",
        weight=0.15,
        places=(
            Place("ENG", "Europe/London"),
            Place("ENG", "Europe/London"),
            Place("ENG", "Europe/London"),
            Place("SCT", "Europe/London"),
            Place("WLS", "Europe/London", languages=("en-GB", "cy-GB")),
            Place("NIR", "Europe/London"),
        ),
        languages=("en-GB",),
        pay_kinds=(("monthly", 0.8), ("biweekly", 0.1), ("irregular", 0.1)),
        monthly_days=(25, 28, 31),
        methods=((("card", "stripe"), 0.8), (("card", "nmi"), 0.2)),
        networks=(("visa", 0.6), ("mastercard", 0.35), ("amex", 0.05)),
        whatsapp_share=0.6,
        zone_derivable=True,
        bill_median_minor=7_000,
        first_names=("Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Rhys", "Siobhan"),
        last_names=(
            "Jones",
            "Taylor",
            "Williams",
            "Evans",
            "Thomas",
            "Campbell",
            "Murphy",
            "Hughes",
        ),
    ),
    Region(
        country="AU",
        currency="AUD",
        weight=0.2,
        places=(
            Place("NSW", "Australia/Sydney"),
            Place("VIC", "Australia/Melbourne"),
            Place("QLD", "Australia/Brisbane"),
            Place("SA", "Australia/Adelaide"),
            Place("SA", "Australia/Adelaide"),
            Place("WA", "Australia/Perth"),
        ),
        languages=("en-AU",),
        pay_kinds=(("biweekly", 0.55), ("monthly", 0.25), ("irregular", 0.2)),
        monthly_days=(1, 15, 28),
        methods=((("card", "stripe"), 0.7), (("card", "nmi"), 0.3)),
        networks=(("visa", 0.55), ("mastercard", 0.4), ("amex", 0.05)),
        whatsapp_share=0.4,
        zone_derivable=False,  # mobiles span several zones; the file always names it
        bill_median_minor=12_000,
        first_names=("Jack", "Charlotte", "William", "Mia", "Noah", "Chloe", "Lachlan", "Matilda"),
        last_names=("Wilson", "Anderson", "Thompson", "White", "Martin", "Kelly", "Nguyen", "Ryan"),
    ),
)

PRODUCTS = (("bill", 0.6, 1.0), ("installment", 0.3, 2.8), ("service", 0.1, 0.7))
