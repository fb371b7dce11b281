"""Bank reconciliation rules: which bank credit is which counter deposit, in three passes."""

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MIN_REFERENCE = 4  # shorter references ("T01", "12") would match by accident
SUGGESTIONS_PER_LINE = 3
SUGGEST_TOLERANCE_PERCENT = 2  # an amount this close, inside the window, is worth a look


class MatchPass(StrEnum):
    EXACT = "exact"  # same amount and the item's reference in the bank text
    WINDOW = "window"  # same amount, the only nearest item inside the date window
    SUGGESTED = "suggested"  # worth a look; never confirmed without a person


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    UNDONE = "undone"


LIVE_STATUSES = frozenset({MatchStatus.PROPOSED, MatchStatus.CONFIRMED})


class ItemKind(StrEnum):
    CASH_DROP = "cash_drop"  # cash taken out of a drawer for the bank
    SHIFT_CASH = "shift_cash"  # a closed shift's counted cash above its float (Z report)
    CARD_DAY = "card_day"  # the card payments of one settlement day
    PAYMENT = "payment"  # a transfer or cheque, one payment


@dataclass(frozen=True)
class BankLine:
    key: str
    booked_on: date
    amount_minor: int
    reference: str
    description: str


@dataclass(frozen=True)
class CounterItem:
    key: str
    kind: ItemKind
    on: date
    amount_minor: int
    references: tuple[str, ...]  # receipt, payment and account numbers, shift number
    label: str


@dataclass(frozen=True)
class Proposal:
    line_key: str
    item_key: str
    match_pass: MatchPass
    rank: int  # 1 for an automatic match; 1.. for suggestions, best first


def mentions(text: str, reference: str) -> bool:
    """True when the reference stands on its own in the bank text (not inside a longer one)."""
    ref = reference.strip().upper()
    if len(ref) < MIN_REFERENCE:
        return False
    pattern = rf"(?<![A-Z0-9]){re.escape(ref)}(?![A-Z0-9])"
    return re.search(pattern, text.upper()) is not None


def names_item(line: BankLine, item: CounterItem) -> bool:
    text = f"{line.reference} {line.description}"
    return any(mentions(text, ref) for ref in item.references)


def match(
    lines: Sequence[BankLine],
    items: Sequence[CounterItem],
    *,
    window_days: int,
    taken_lines: Collection[str] = (),
    taken_items: Collection[str] = (),
    rejected: Collection[tuple[str, str]] = (),
) -> list[Proposal]:
    """Proposals for the lines and items not already taken: exact, then window, then
    suggestions. Each line and item is in at most one exact or window proposal; a pair a
    person rejected is never proposed again."""
    open_lines = sorted(
        (ln for ln in lines if ln.key not in taken_lines and ln.amount_minor > 0),
        key=lambda ln: (ln.booked_on, ln.key),
    )
    free = {i.key: i for i in items if i.key not in taken_items}
    refused = set(rejected)
    proposals: list[Proposal] = []
    matched: set[str] = set()

    def candidates(line: BankLine) -> list[CounterItem]:
        return [
            i
            for i in free.values()
            if i.amount_minor == line.amount_minor and (line.key, i.key) not in refused
        ]

    for match_pass in (MatchPass.EXACT, MatchPass.WINDOW):
        for line in open_lines:
            if line.key in matched:
                continue
            found = candidates(line)
            if match_pass is MatchPass.EXACT:
                found = [i for i in found if names_item(line, i)]
            else:
                found = [i for i in found if abs((i.on - line.booked_on).days) <= window_days]
            chosen = _nearest_alone(line, found)
            if chosen is not None:
                proposals.append(Proposal(line.key, chosen.key, match_pass, 1))
                matched.add(line.key)
                del free[chosen.key]
    for line in open_lines:
        if line.key not in matched:
            proposals.extend(_suggestions(line, free.values(), window_days, refused))
    return proposals


def _nearest_alone(line: BankLine, found: list[CounterItem]) -> CounterItem | None:
    """The one item nearest in date; None when two are equally near (a person decides)."""
    if not found:
        return None
    ranked = sorted(found, key=lambda i: (abs((i.on - line.booked_on).days), i.key))
    if len(ranked) > 1 and _distance(line, ranked[0]) == _distance(line, ranked[1]):
        return None
    return ranked[0]


def _distance(line: BankLine, item: CounterItem) -> int:
    return abs((item.on - line.booked_on).days)


def _suggestions(
    line: BankLine,
    items: Iterable[CounterItem],
    window_days: int,
    refused: set[tuple[str, str]],
) -> list[Proposal]:
    scored = []
    for item in items:
        if (line.key, item.key) in refused:
            continue
        score = suggestion_score(line, item, window_days)
        if score is not None:
            scored.append((-score, _distance(line, item), item.key))
    scored.sort()
    return [
        Proposal(line.key, key, MatchPass.SUGGESTED, rank)
        for rank, (_score, _days, key) in enumerate(scored[:SUGGESTIONS_PER_LINE], start=1)
    ]


def suggestion_score(line: BankLine, item: CounterItem, window_days: int) -> int | None:
    """How likely the pair is, 0-100; None when it is not worth showing."""
    days = _distance(line, item)
    same_amount = item.amount_minor == line.amount_minor
    named = names_item(line, item)
    near_amount = (
        abs(item.amount_minor - line.amount_minor) * 100
        <= SUGGEST_TOLERANCE_PERCENT * line.amount_minor
    )
    if named:
        return max(90 - days, 60)  # the bank names it; the amount differs (fees, partial)
    if same_amount and days <= 3 * window_days:
        return max(70 - days, 40)  # outside the window, or tied with another item
    if near_amount and days <= window_days:
        return max(50 - days, 20)
    return None
