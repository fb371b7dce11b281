"""Decline-code tables as data (resources/recovery/decline_codes/*.csv), validated at load."""

import csv
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from app.domain.errors import UserFacingError
from app.recovery.codes import Action, Category, Classification, unknown

TABLES_DIR = Path(__file__).resolve().parents[2] / "resources" / "recovery" / "decline_codes"
HEADER = ["code", "category", "action", "no_retry", "retry_after_hours", "description"]
TABLE_NAMES = (
    "nmi", "stripe", "visa", "mastercard", "mastercard_mac", "npci_nach", "npci_upi", "counter",
)  # fmt: skip
APPROVAL_CODES = {("nmi", "100"), ("stripe", ""), ("npci_nach", "00"), ("npci_upi", "00")}


class DeclineTableError(UserFacingError):
    """A decline-code file has a bad row: the message names the file, line and problem."""


@dataclass
class DeclineCodes:
    """Every table, and the unknown codes met so far (reported, never silently guessed)."""

    tables: dict[str, dict[str, Classification]]
    unknown_seen: set[tuple[str, str]] = field(default_factory=set)

    def classify(
        self, *, gateway: str, method: str, network: str, code: str, advice_code: str = ""
    ) -> Classification:
        table = self._table_for(gateway=gateway, method=method, network=network)
        base = self.tables[table].get(code.strip())
        if base is None:
            self.unknown_seen.add((table, code))
            base = unknown(code)
        advice = advice_code.strip() if advice_code else ""
        if not advice:
            return base
        mac = self.tables["mastercard_mac"].get(advice)
        if mac is None:
            self.unknown_seen.add(("mastercard_mac", advice))
            return replace(base, min_wait=max(base.min_wait, unknown(advice).min_wait))
        return _with_advice(base, mac)

    @staticmethod
    def _table_for(*, gateway: str, method: str, network: str) -> str:
        if method == "counter":
            return "counter"  # paid in person (a counter plan's installment): nothing to charge
        if method == "enach":
            return "npci_nach"
        if method == "upi_autopay":
            return "npci_upi"
        if gateway in ("nmi", "stripe"):
            return gateway
        # Card declines through Razorpay and others carry the issuer's raw ISO 8583 code; Visa's
        # category-1 list is the broadest, so networks without a table of their own use it.
        return "mastercard" if network == "mastercard" else "visa"


def _with_advice(base: Classification, mac: Classification) -> Classification:
    """A Mastercard advice code can only make a decline stricter, never looser."""
    overrides = mac.no_retry or mac.action in (Action.STOP, Action.RETRY_AFTER_UPDATE)
    return Classification(
        category=mac.category if overrides else base.category,
        action=mac.action if overrides else base.action,
        no_retry=base.no_retry or mac.no_retry,
        min_wait=max(base.min_wait, mac.min_wait),
        known=base.known,
        description=f"{base.description}; MAC: {mac.description}",
    )


def load_decline_codes(directory: Path = TABLES_DIR) -> DeclineCodes:
    tables = {name: _load_table(directory / f"{name}.csv") for name in TABLE_NAMES}
    return DeclineCodes(tables)


def _load_table(path: Path) -> dict[str, Classification]:
    if not path.exists():
        raise DeclineTableError(f"{path}: decline-code table is missing")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != HEADER:
            raise DeclineTableError(f"{path}:1: header must be {','.join(HEADER)}")
        rows: dict[str, Classification] = {}
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            code, rule = _parse_row(path, line, row)
            if code in rows:
                raise DeclineTableError(f"{path}:{line}: code {code!r} appears twice")
            rows[code] = rule
    return rows


def _parse_row(path: Path, line: int, row: list[str]) -> tuple[str, Classification]:
    where = f"{path}:{line}"
    if len(row) != len(HEADER):
        raise DeclineTableError(f"{where}: expected {len(HEADER)} columns, found {len(row)}")
    code, category, action, no_retry, wait, description = (cell.strip() for cell in row)
    if not code:
        raise DeclineTableError(f"{where}: the code is empty")
    try:
        parsed_category = Category(category)
    except ValueError:
        raise DeclineTableError(f"{where}: unknown category {category!r}") from None
    try:
        parsed_action = Action(action)
    except ValueError:
        raise DeclineTableError(f"{where}: unknown action {action!r}") from None
    if no_retry not in ("0", "1"):
        raise DeclineTableError(f"{where}: no_retry must be 0 or 1, not {no_retry!r}")
    if wait and (not wait.isdigit() or int(wait) > 24 * 31):
        raise DeclineTableError(f"{where}: retry_after_hours must be whole hours, not {wait!r}")
    if parsed_category is Category.HARD and no_retry != "1":
        raise DeclineTableError(f"{where}: a hard decline must forbid retries (no_retry=1)")
    return code, Classification(
        category=parsed_category,
        action=parsed_action,
        no_retry=no_retry == "1",
        min_wait=timedelta(hours=int(wait or 0)),
        known=True,
        description=description,
    )
