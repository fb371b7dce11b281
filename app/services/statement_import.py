"""Import a bank statement: each line stored once, in the deployment's currency, audited."""

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.db.tables import BankStatement, BankStatementLine
from app.domain.changes import Area, Changes, areas
from app.domain.errors import UserFacingError
from app.domain.ids import new_id
from app.domain.money import minor_digits
from app.services.actors import actor_for
from app.services.bank_formats import ParsedStatement, StatementLine, parse_statement
from app.services.unit_of_work import UnitOfWork

CHANGES = areas(Area.RECONCILIATION)


@dataclass(frozen=True)
class ImportResult:
    statement_ref: str
    format: str
    currency: str
    lines_added: int
    lines_known: int  # already imported from this or another file: not stored twice
    changes: Changes = field(default=CHANGES)


def import_statement(
    uow: UnitOfWork,
    content: bytes,
    *,
    fmt: str,
    username: str | None,
    columns: Mapping[str, str] | None = None,
) -> ImportResult:
    """Store the statement's new lines; a bad file writes nothing and names its bad rows."""
    with uow:
        actor = actor_for(uow, username, "reconcile")
        parsed = parse_statement(content, fmt, columns=columns)
        currency = uow.settings().currency
        minors = _in_minor_units(parsed, currency)
        hashes = _line_hashes(parsed, minors)
        repo = uow.reconciliation
        known = repo.known_hashes(hashes)
        statement = repo.statement_by_ref(parsed.statement_ref)
        fresh = [
            (line, minor, digest)
            for line, minor, digest in zip(parsed.lines, minors, hashes, strict=True)
            if digest not in known
        ]
        if fresh and statement is None:
            statement = BankStatement(
                id=new_id(),
                statement_ref=parsed.statement_ref[:80],
                format=parsed.format,
                account=parsed.account[:80],
                currency=currency,
                file_sha256=parsed.file_sha256,
                imported_at=uow.now(),
                imported_by=actor.user_id,
            )
        if fresh:
            assert statement is not None
            repo.add_statement(
                statement,
                [
                    BankStatementLine(
                        id=new_id(),
                        statement_id=statement.id,
                        line_no=line.line_no,
                        line_hash=digest,
                        booked_on=line.booked_on,
                        amount_minor=minor,
                        reference=line.reference,
                        description=line.description,
                    )
                    for line, minor, digest in fresh
                ],
            )
            uow.audit(
                user_id=actor.user_id,
                action="bank_statement.imported",
                entity="bank_statement",
                entity_id=statement.id,
                after={
                    "statement_ref": parsed.statement_ref,
                    "format": parsed.format,
                    "file_sha256": parsed.file_sha256,
                    "lines_added": len(fresh),
                    "lines_known": len(known),
                },
            )
            uow.commit()
        return ImportResult(
            parsed.statement_ref,
            parsed.format,
            currency,
            len(fresh),
            len(parsed.lines) - len(fresh),
        )


def _in_minor_units(parsed: ParsedStatement, currency: str) -> list[int]:
    """The amounts in minor units, once the currency is known to be this counter's."""
    found = {parsed.currency} | {line.currency for line in parsed.lines}
    found.discard("")
    foreign = sorted(found - {currency})
    if foreign:
        raise UserFacingError(
            f"The statement is in {', '.join(foreign)} but this counter works in {currency}: "
            "nothing was imported."
        )
    digits = minor_digits(currency)
    minors, errors = [], []
    for line in parsed.lines:
        scaled = Decimal(line.amount).scaleb(digits)
        if scaled != scaled.to_integral_value():
            errors.append(f"line {line.line_no}: amount {line.amount} has too many decimals")
        minors.append(int(scaled))
    if errors:
        raise UserFacingError(f"The statement was not imported: {'; '.join(errors)}.")
    return minors


def _line_hashes(parsed: ParsedStatement, minors: list[int]) -> list[str]:
    """What a line is, wherever it comes from: the same booking in two overlapping exports
    is one line; two identical bookings in one file stay two (their occurrence differs)."""
    seen: Counter[str] = Counter()
    hashes = []
    for line, minor in zip(parsed.lines, minors, strict=True):
        content = _content(parsed.account, line, minor)
        seen[content] += 1
        hashes.append(hashlib.sha256(f"{content}|{seen[content]}".encode()).hexdigest())
    return hashes


def _content(account: str, line: StatementLine, minor: int) -> str:
    return "|".join(
        (account, line.booked_on.isoformat(), str(minor), line.reference, line.description)
    )
