"""Read a bank statement file (CSV, CAMT.053, MT940) into lines; every bad row is named."""

import csv
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import mt940

from app.domain.errors import UserFacingError

FORMATS = ("csv", "camt053", "mt940")
CSV_COLUMNS = ("date", "amount", "reference", "description")
MAX_ERRORS_SHOWN = 10


@dataclass(frozen=True)
class StatementLine:
    line_no: int  # the row (CSV), entry (CAMT.053) or :61: (MT940) number in the file
    booked_on: date
    amount: Decimal  # credits positive, debits negative
    currency: str
    reference: str
    description: str


@dataclass(frozen=True)
class ParsedStatement:
    statement_ref: str
    format: str
    account: str
    currency: str  # "" when the file does not say (a CSV without a currency column)
    file_sha256: str
    lines: tuple[StatementLine, ...]


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xml":
        return "camt053"
    if suffix in (".sta", ".mt940", ".940", ".txt"):
        return "mt940"
    raise UserFacingError(
        f"Cannot tell the format of '{path.name}': give --format csv, camt053 or mt940."
    )


def parse_statement(
    content: bytes, fmt: str, *, columns: Mapping[str, str] | None = None
) -> ParsedStatement:
    """The statement in the file, or UserFacingError listing the bad rows by line number."""
    digest = hashlib.sha256(content).hexdigest()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")  # older bank exports; every byte is a character
    if fmt == "csv":
        return _csv(text, digest, columns or {})
    if fmt == "camt053":
        return _camt053(content, digest)
    if fmt == "mt940":
        return _mt940(text, digest)
    raise UserFacingError(f"Unknown statement format '{fmt}': use csv, camt053 or mt940.")


def _refuse(errors: list[str]) -> None:
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
        more = (
            f" (and {len(errors) - MAX_ERRORS_SHOWN} more)"
            if len(errors) > MAX_ERRORS_SHOWN
            else ""
        )
        raise UserFacingError(f"The statement was not imported: {shown}{more}.")


def _amount(text: str) -> Decimal:
    """1,234.50 and 1.234,50 and 145,50 alike: the last separator with 1-2 digits after it
    is the decimal point."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in raw and "." in raw:
        decimal_comma = raw.rfind(",") > raw.rfind(".")
        raw = raw.replace(".", "").replace(",", ".") if decimal_comma else raw.replace(",", "")
    elif "," in raw:
        decimal_comma = re.fullmatch(r"[-+]?\d+,\d{1,2}", raw) is not None
        raw = raw.replace(",", ".") if decimal_comma else raw.replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"amount '{text}' is not a number") from None
    if not value.is_finite() or value == 0:
        raise ValueError(f"amount '{text}' is not a deposit or a withdrawal")
    return value


def _day(text: str) -> date:
    raw = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw[:10], fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date '{text}' is not a date (use YYYY-MM-DD)")


# -- CSV ---------------------------------------------------------------------------------
def _csv(text: str, digest: str, columns: Mapping[str, str]) -> ParsedStatement:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # European exports
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = {name.strip().casefold(): name for name in (reader.fieldnames or [])}
    wanted = {key: columns.get(key, key).strip().casefold() for key in CSV_COLUMNS}
    missing = [f"'{wanted[k]}'" for k in ("date", "amount") if wanted[k] not in header]
    if missing:
        raise UserFacingError(
            f"The CSV has no {' or '.join(missing)} column (columns: "
            f"{', '.join(reader.fieldnames or []) or 'none'})."
        )
    currency_column = header.get(columns.get("currency", "currency").casefold())
    lines, errors, currencies = [], [], set()

    def cell(row: dict[str, str], key: str) -> str:
        name = header.get(wanted[key])
        return (row.get(name) or "").strip() if name else ""

    for row in reader:
        line_no = reader.line_num
        try:
            currency = (row.get(currency_column) or "").strip().upper() if currency_column else ""
            currencies.add(currency)
            lines.append(
                StatementLine(
                    line_no,
                    _day(cell(row, "date")),
                    _amount(cell(row, "amount")),
                    currency,
                    cell(row, "reference")[:200],
                    cell(row, "description")[:500],
                )
            )
        except ValueError as error:
            errors.append(f"line {line_no}: {error}")
    _refuse(errors)
    if not lines:
        raise UserFacingError("The CSV has no statement lines.")
    if len(currencies) > 1:
        raise UserFacingError(f"The CSV mixes currencies: {', '.join(sorted(currencies))}.")
    return ParsedStatement(f"csv-{digest[:16]}", "csv", "", currencies.pop(), digest, tuple(lines))


# -- CAMT.053 (ISO 20022 BankToCustomerStatement) -----------------------------------------
def _find(node: ET.Element, path: str) -> str:
    """Text at a path of local names in any camt.053 version's namespace."""
    found = node.find("/".join(f"{{*}}{part}" for part in path.split("/")))
    return (found.text or "").strip() if found is not None else ""


def _camt053(content: bytes, digest: str) -> ParsedStatement:
    # The standard library's parser: expat refuses entity-expansion bombs since 2.4.1.
    try:
        root = ET.fromstring(content)
    except ET.ParseError as error:
        raise UserFacingError(f"The CAMT.053 file is not well-formed XML ({error}).") from None
    if not root.tag.startswith("{urn:iso:std:iso:20022:tech:xsd:camt.053"):
        raise UserFacingError("The XML file is not a CAMT.053 bank statement.")
    statements = root.findall("{*}BkToCstmrStmt/{*}Stmt")
    if len(statements) != 1:
        raise UserFacingError("Import one statement per CAMT.053 file.")
    statement = statements[0]
    account = _find(statement, "Acct/Id/IBAN") or _find(statement, "Acct/Id/Othr/Id")
    lines, errors, currencies = [], [], set()
    for number, entry in enumerate(statement.findall("{*}Ntry"), start=1):
        try:
            lines.append(_camt_entry(number, entry))
            currencies.add(lines[-1].currency)
        except ValueError as error:
            errors.append(f"entry {number}: {error}")
    _refuse(errors)
    if not lines:
        raise UserFacingError("The CAMT.053 statement has no entries.")
    currencies |= {_find(statement, "Acct/Ccy")}
    currencies.discard("")
    if len(currencies) != 1:
        named = ", ".join(sorted(currencies)) or "none given"
        raise UserFacingError(f"The statement needs one currency (found: {named}).")
    currency = currencies.pop()
    ref = _find(statement, "Id") or f"camt053-{digest[:16]}"
    return ParsedStatement(ref, "camt053", account, currency, digest, tuple(lines))


def _camt_entry(number: int, entry: ET.Element) -> StatementLine:
    amount_node = entry.find("{*}Amt")
    if amount_node is None or not (amount_node.text or "").strip():
        raise ValueError("no amount")
    amount = _amount(amount_node.text or "")
    if amount < 0:
        raise ValueError("a negative amount (use CdtDbtInd)")
    indicator = _find(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise ValueError(f"credit or debit '{indicator}' is not CRDT or DBIT")
    booked = _find(entry, "BookgDt/Dt") or _find(entry, "BookgDt/DtTm")
    details = "/".join(["NtryDtls", "TxDtls"])
    reference = (
        _find(entry, f"{details}/Refs/EndToEndId").replace("NOTPROVIDED", "")
        or _find(entry, "AcctSvcrRef")
        or _find(entry, f"{details}/Refs/AcctSvcrRef")
    )
    description = " ".join(
        part
        for part in (_find(entry, f"{details}/RmtInf/Ustrd"), _find(entry, "AddtlNtryInf"))
        if part
    )
    return StatementLine(
        number,
        _day(booked),
        amount if indicator == "CRDT" else -amount,
        (amount_node.get("Ccy") or "").upper(),
        reference[:200],
        description[:500],
    )


# -- MT940 (SWIFT), read by the mt-940 package ---------------------------------------------
def _mt940(text: str, digest: str) -> ParsedStatement:
    statement = mt940.models.Transactions()
    try:
        statement.parse(text)
    except Exception as error:  # the parser raises bare errors on malformed tags
        raise UserFacingError(f"The MT940 file could not be read ({error}).") from None
    data = statement.data
    transactions = list(statement)
    if not transactions:
        raise UserFacingError("The MT940 statement has no :61: lines.")
    balance = data.get("final_opening_balance") or data.get("final_closing_balance")
    currency = str(getattr(getattr(balance, "amount", None), "currency", "") or "").upper()
    ref = str(data.get("transaction_reference") or f"mt940-{digest[:16]}")
    number = data.get("statement_number")
    if number:
        ref = f"{ref}/{number}"
    lines = []
    for line_no, transaction in enumerate(transactions, start=1):
        t = transaction.data
        amount = t["amount"].amount
        reference = next(
            (str(r) for r in (t.get("customer_reference"), t.get("bank_reference")) if _real(r)),
            "",
        )
        description = " ".join(
            str(p) for p in (t.get("transaction_details"), t.get("extra_details")) if p
        )
        lines.append(
            StatementLine(
                line_no,
                date(t["date"].year, t["date"].month, t["date"].day),
                Decimal(amount),
                str(t.get("currency") or currency).upper(),
                reference[:200],
                description.replace("\n", " ")[:500],
            )
        )
    account = str(data.get("account_identification") or "")
    return ParsedStatement(ref, "mt940", account, currency, digest, tuple(lines))


def _real(reference: object) -> bool:
    return bool(reference) and str(reference).upper() != "NONREF"
