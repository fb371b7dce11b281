"""Each payment method's failure categories, read from the decline-code tables (category, code).

A case's method in the recovery database is the rail (card, enach, upi_autopay); analytics
splits cards by type (credit, debit, prepaid) because their failures differ (a debit card hits a
daily limit, a credit card a credit limit). The generic category from the decline tables
(insufficient_funds, expired_or_invalid, ...) is refined by a few known codes per table.
"""

from app.recovery.code_tables import DeclineCodes

# The guide's methods and ours (e-NACH and UPI AutoPay are our rails); prepaid cards fail like
# debit cards. bank_transfer and digital_wallet are not rails we collect on yet, but the mapping
# is ready for them (they read the NACH and UPI tables).
METHOD_CATEGORIES: dict[str, tuple[str, ...]] = {
    "credit_card": ("expired", "insufficient_funds", "declined", "fraudulent", "technical"),
    "debit_card": (
        "expired", "insufficient_funds", "declined", "fraudulent", "daily_limit", "technical",
    ),
    "prepaid_card": (
        "expired", "insufficient_funds", "declined", "fraudulent", "daily_limit", "technical",
    ),
    "bank_transfer": (
        "insufficient_funds", "account_closed", "routing_error", "declined", "technical",
    ),
    "digital_wallet": (
        "insufficient_funds", "account_suspended", "verification_required", "declined",
        "technical",
    ),
    "enach": (
        "insufficient_funds", "account_closed", "mandate_invalid", "payment_stopped",
        "verification_required", "declined", "technical",
    ),
    "upi_autopay": (
        "insufficient_funds", "limit_exceeded", "account_suspended", "verification_required",
        "mandate_revoked", "invalid_account", "fraudulent", "declined", "technical",
    ),
}  # fmt: skip
METHODS = tuple(METHOD_CATEGORIES)

# The decline tables' generic category -> the method's category, before code overrides.
_CARD = {
    "insufficient_funds": "insufficient_funds",
    "expired_or_invalid": "expired",
    "fraud": "fraudulent",
    "do_not_honor": "declined",
    "hard": "declined",
    "technical": "technical",
}
_BANK = {
    "insufficient_funds": "insufficient_funds",
    "expired_or_invalid": "declined",
    "fraud": "declined",
    "do_not_honor": "declined",
    "hard": "declined",
    "technical": "technical",
}
_WALLET = {**_BANK, "expired_or_invalid": "verification_required"}
_ENACH = {**_BANK, "hard": "mandate_invalid", "expired_or_invalid": "mandate_invalid"}
_UPI = {
    **_BANK,
    "fraud": "fraudulent",
    "hard": "invalid_account",
    "expired_or_invalid": "verification_required",
}
BASE = {
    "credit_card": _CARD,
    "debit_card": _CARD,
    "prepaid_card": _CARD,
    "bank_transfer": _BANK,
    "digital_wallet": _WALLET,
    "enach": _ENACH,
    "upi_autopay": _UPI,
}

# Codes whose meaning is finer than their table's category: (table, code) -> category.
_CARD_LIMITS = {
    ("visa", "61"), ("visa", "65"), ("visa", "N4"), ("mastercard", "61"), ("mastercard", "65"),
    ("stripe", "withdrawal_count_limit_exceeded"), ("stripe", "card_velocity_exceeded"),
    ("nmi", "203"),
}  # fmt: skip
_CARD_FRAUD = {
    ("visa", "41"), ("visa", "43"), ("mastercard", "41"), ("mastercard", "43"),
    ("stripe", "lost_card"), ("stripe", "stolen_card"), ("stripe", "pickup_card"),
    ("nmi", "250"), ("nmi", "251"), ("nmi", "252"),
}  # fmt: skip
_NACH = {
    "01": "account_closed", "02": "account_closed", "53": "account_closed",
    "54": "account_closed", "60": "account_closed", "03": "verification_required",
    "51": "verification_required", "52": "verification_required", "06": "payment_stopped",
    "07": "payment_stopped", "21": "mandate_invalid", "22": "mandate_invalid",
}  # fmt: skip
_NACH_AS_TRANSFER = {
    "01": "account_closed", "53": "account_closed", "54": "account_closed",
    "60": "account_closed", "02": "routing_error", "03": "routing_error",
}  # fmt: skip
_UPI_CODES = {
    "Z8": "limit_exceeded", "Z7": "limit_exceeded", "ZU": "limit_exceeded",
    "YE": "account_suspended", "ZX": "account_suspended", "ZM": "verification_required",
    "B1": "verification_required", "ZG": "mandate_revoked", "ZA": "mandate_revoked",
}  # fmt: skip
_UPI_AS_WALLET = {
    "YE": "account_suspended", "ZX": "account_suspended", "ZM": "verification_required",
    "B1": "verification_required", "Z8": "insufficient_funds", "Z7": "insufficient_funds",
    "ZU": "insufficient_funds",
}  # fmt: skip


def method_key(method: str, card_type: str = "") -> str:
    """The analytics method of a case: a card split by its type, other rails as they are."""
    if method == "card":
        return {"debit": "debit_card", "prepaid": "prepaid_card"}.get(card_type, "credit_card")
    return method


def method_category(method: str, table: str, code: str, category: str) -> str:
    """The method's failure category for a decline `code` of decline table `table`.

    `category` is the decline tables' generic category of that code (unknown codes arrive as
    do_not_honor). A category the method does not know becomes "declined".
    """
    code = code.strip()
    override: str | None = None
    if method in ("debit_card", "prepaid_card") and (table, code) in _CARD_LIMITS:
        override = "daily_limit"
    elif method.endswith("_card") and (table, code) in _CARD_FRAUD:
        override = "fraudulent"  # lost and stolen cards: the guide's "fraudulent"
    elif method == "enach" and table == "npci_nach":
        override = _NACH.get(code)
    elif method == "bank_transfer" and table == "npci_nach":
        override = _NACH_AS_TRANSFER.get(code)
    elif method == "upi_autopay" and table == "npci_upi":
        override = _UPI_CODES.get(code)
    elif method == "digital_wallet" and table == "npci_upi":
        override = _UPI_AS_WALLET.get(code)
    mapped = override or BASE.get(method, _CARD).get(category, "declined")
    return mapped if mapped in METHOD_CATEGORIES.get(method, ()) else "declined"


def classify_case(
    codes: DeclineCodes, *, method: str, card_type: str, gateway: str, network: str, code: str
) -> tuple[str, str]:
    """(analytics method, its failure category) of a failed payment, from the real tables."""
    key = method_key(method, card_type)
    table = codes._table_for(gateway=gateway, method=method, network=network)
    category = codes.classify(gateway=gateway, method=method, network=network, code=code).category
    return key, method_category(key, table, code, category.value)
