"""The attempt ledger: the only way to obtain an attempt is a permit it grants under the rules."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.errors import UserFacingError
from app.recovery.codes import Classification
from app.recovery.network_rules import (
    Attempt,
    CaseBook,
    CaseState,
    NetworkLimits,
    earliest,
    refusal,
)

_SEAL = object()


class AttemptRefused(UserFacingError):
    """The network rules forbid this attempt now."""


@dataclass(frozen=True)
class AttemptPermit:
    """A granted attempt. Gateways and worlds charge only against one of these."""

    case_id: str
    at: datetime
    instrument: str
    seal: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.seal is not _SEAL:
            raise TypeError("attempt permits are granted by AttemptLedger.permit() only")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str


class AttemptLedger:
    """Every attempt per case and per instrument; refuses what the networks forbid."""

    def __init__(self, limits: NetworkLimits | None = None) -> None:
        self.limits = limits or NetworkLimits()
        self._books: dict[str, CaseBook] = {}
        self._by_instrument: dict[str, list[datetime]] = defaultdict(list)

    # -- cases ------------------------------------------------------------------------------
    def open_case(
        self,
        case_id: str,
        *,
        method: str,
        network: str,
        instrument: str,
        failed_at: datetime,
        decline: Classification,
    ) -> None:
        """A case starts with its own failed attempt, which counts in every window."""
        if case_id in self._books:
            raise UserFacingError(f"Recovery case {case_id} is already in the ledger.")
        book = CaseBook(case_id, method, network or "", instrument)
        self._books[case_id] = book
        self._append(book, Attempt(failed_at, instrument, decline))
        self._block_if_forbidden(book, decline)

    def book(self, case_id: str) -> CaseBook:
        return self._books[case_id]

    def set_state(self, case_id: str, state: CaseState) -> None:
        self._books[case_id].state = state

    def method_updated(self, case_id: str, at: datetime) -> None:
        """A new card or mandate: windows start afresh and one immediate retry is allowed."""
        book = self._books[case_id]
        base, _, generation = book.instrument.partition("#u")
        book.instrument = f"{base}#u{int(generation or 0) + 1}"
        book.blocked_by = None
        book.fresh_method = True

    def notice_sent(self, case_id: str, at: datetime) -> None:
        """An accepted pre-debit notification (UPI AutoPay)."""
        self._books[case_id].notices.append(at)

    # -- the rules --------------------------------------------------------------------------
    def allowed(self, case_id: str, at: datetime) -> Verdict:
        book = self._books[case_id]
        why = refusal(book, at, self._by_instrument[book.instrument], self.limits)
        return Verdict(why is None, why or "allowed by the network rules")

    def next_allowed_time(self, case_id: str, after: datetime) -> datetime | None:
        book = self._books[case_id]
        return earliest(book, after, self._by_instrument[book.instrument], self.limits)

    def permit(self, case_id: str, at: datetime) -> AttemptPermit:
        """Record the attempt as started (it counts from now on) and grant it."""
        verdict = self.allowed(case_id, at)
        if not verdict.allowed:
            raise AttemptRefused(f"Attempt on case {case_id} refused: {verdict.reason}.")
        book = self._books[case_id]
        self._append(book, Attempt(at, book.instrument))
        book.in_flight = True
        book.fresh_method = False
        return AttemptPermit(case_id, at, book.instrument, _SEAL)

    def settle(
        self, permit: AttemptPermit, *, approved: bool, decline: Classification | None
    ) -> None:
        book = self._books[permit.case_id]
        if not book.in_flight:
            raise UserFacingError(f"No attempt is in flight on case {permit.case_id}.")
        book.in_flight = False
        book.attempts[-1] = Attempt(permit.at, permit.instrument, decline, approved)
        if not approved and decline is not None:
            self._block_if_forbidden(book, decline)

    # -- history (`recovery run` rebuilds a case's book from its rows before each visit) -----
    def replay(
        self, case_id: str, at: datetime, *, approved: bool, decline: Classification | None
    ) -> None:
        """An attempt made earlier, as recorded: it counts in the windows, unchecked."""
        book = self._books[case_id]
        self._append(book, Attempt(at, book.instrument, decline, approved))
        book.fresh_method = False
        if not approved and decline is not None:
            self._block_if_forbidden(book, decline)

    def replay_elsewhere(self, instrument: str, at: datetime) -> None:
        """An attempt on the same instrument for another case: it counts against the caps."""
        self._by_instrument[instrument].append(at)

    # -- internals --------------------------------------------------------------------------
    def _append(self, book: CaseBook, attempt: Attempt) -> None:
        book.attempts.append(attempt)
        self._by_instrument[attempt.instrument].append(attempt.at)

    @staticmethod
    def _block_if_forbidden(book: CaseBook, decline: Classification) -> None:
        if decline.no_retry:
            book.blocked_by = decline.description
