"""A consumer's special circumstances (medical, hardship, bereavement ...) and payment
preferences (channel, time of day, language) on the profile: who set them and when, audited
and sent to the server, which passes them to the recovery service (circumstances_recovery)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.db.tables import ConsumerCircumstances
from app.domain.changes import Area, Changes, areas
from app.domain.disputes import (
    CHANNELS,
    CIRCUMSTANCE_WORDS,
    NEEDS_REVIEW,
    NOTE_MAX,
    Circumstance,
    check_circumstances,
    time_window_problem,
)
from app.domain.errors import NotFound, UserFacingError
from app.services.actors import actor_for
from app.services.disputes_local import local_recovery, pass_circumstances
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CircumstancesView:
    account_number: str
    circumstances: tuple[str, ...]
    note: str
    preferred_channel: str
    preferred_from: str
    preferred_until: str
    language: str
    set_by: str
    set_at: datetime | None  # None: nothing recorded yet
    changes: Changes = field(default=areas(Area.CONSUMERS))

    @property
    def needs_review(self) -> bool:
        """Recovery charges nothing automatically and reminds gently."""
        return any(Circumstance(c) in NEEDS_REVIEW for c in self.circumstances)

    @property
    def words(self) -> str:
        """One line for the profile: 'Medical, Financial hardship' or 'None recorded'."""
        names = [CIRCUMSTANCE_WORDS[Circumstance(c)] for c in self.circumstances]
        return ", ".join(names) or "None recorded"


@dataclass(frozen=True)
class CircumstancesRequest:
    account_number: str
    circumstances: Sequence[str] = ()
    note: str = ""
    preferred_channel: str = ""
    preferred_from: str = ""
    preferred_until: str = ""
    language: str = ""


def set_circumstances(
    uow: UnitOfWork, request: CircumstancesRequest, *, username: str | None
) -> CircumstancesView:
    """Replace what is recorded for the consumer; nothing is written when a value is wrong."""
    with uow:
        actor = actor_for(uow, username, "record_circumstances")
        consumer = uow.consumers.by_account_number(request.account_number.strip())
        if consumer is None:
            raise NotFound(f"No consumer with account number '{request.account_number}'.")
        kinds = _kinds(request.circumstances)
        note = request.note.strip()
        if len(note) > NOTE_MAX:
            raise UserFacingError(f"The note is at most {NOTE_MAX} characters ({len(note)}).")
        channel = request.preferred_channel.strip().lower()
        if channel not in CHANNELS:
            raise UserFacingError("The preferred channel is e-mail, SMS or WhatsApp (or none).")
        start, end = request.preferred_from.strip(), request.preferred_until.strip()
        problem = time_window_problem(start, end)
        if problem:
            raise UserFacingError(problem)
        row = uow.circumstances.get(consumer.id)
        before = snapshot(row) if row is not None else None
        if row is None:
            row = ConsumerCircumstances(consumer_id=consumer.id, version=0)
            uow.circumstances.add(row)
        row.circumstances, row.note, row.preferred_channel = kinds, note, channel
        row.preferred_from, row.preferred_until = start, end
        row.language = request.language.strip()
        row.set_by, row.set_at, row.version = actor.username, uow.now(), row.version + 1
        after = snapshot(row, consumer.account_number)
        try:
            check_circumstances(after, now=uow.now())
        except UserFacingError as refused:
            raise UserFacingError(refused.message.replace("consumer circumstances: ", "")) from None
        uow.audit(
            user_id=actor.user_id,
            action="consumer.circumstances_set",
            entity="consumer",
            entity_id=consumer.id,
            before=before,
            after=after,
        )
        uow.enqueue("consumer_circumstances", consumer.id, after)
        local = local_recovery(uow)  # a standalone counter's own recovery service
        uow.commit()
        pass_circumstances(local, row, consumer.account_number)
        return _view(row, consumer.account_number)


def circumstances_of(uow: UnitOfWork, account_number: str) -> CircumstancesView:
    """What is recorded for the consumer (an empty view when nothing is)."""
    with uow:
        consumer = uow.consumers.by_account_number(account_number.strip())
        if consumer is None:
            raise NotFound(f"No consumer with account number '{account_number}'.")
        row = uow.circumstances.get(consumer.id)
        if row is None:
            return CircumstancesView(consumer.account_number, (), "", "", "", "", "", "", None)
        return _view(row, consumer.account_number)


def snapshot(row: ConsumerCircumstances, account_number: str | None = None) -> dict[str, Any]:
    """As pushed, published and checked on both sides (app.domain.disputes)."""
    data: dict[str, Any] = {
        "consumer_id": str(row.consumer_id),
        "circumstances": list(row.circumstances),
        "note": row.note,
        "preferred_channel": row.preferred_channel,
        "preferred_from": row.preferred_from,
        "preferred_until": row.preferred_until,
        "language": row.language,
        "set_by": row.set_by,
        "set_at": row.set_at.isoformat(),
        "version": row.version,
    }
    if account_number is not None:
        data["account_number"] = account_number
    return data


def _kinds(values: Sequence[str]) -> list[str]:
    kinds: list[str] = []
    known = {c.value for c in Circumstance}
    for value in values:
        kind = value.strip().lower()
        if kind not in known:
            words = ", ".join(sorted(known))
            raise UserFacingError(f"Unknown circumstance '{value}': choose from {words}.")
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def _view(row: ConsumerCircumstances, account_number: str) -> CircumstancesView:
    return CircumstancesView(
        account_number,
        tuple(row.circumstances),
        row.note,
        row.preferred_channel,
        row.preferred_from,
        row.preferred_until,
        row.language,
        row.set_by,
        row.set_at,
    )
