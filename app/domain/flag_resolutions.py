"""How a supervisor may resolve a server flag (e.g. a bill paid at two offline counters), and
what each way needs. Pure, so the dialog can say what is missing before it asks the service."""

from enum import StrEnum

MIN_NOTE_LENGTH = 10  # "No action" must say why, in more than a word
MAX_NOTE_LENGTH = 500


class Resolution(StrEnum):
    CREDIT_NOTE = "Credit note"  # the overpaid amount became a credit note (created first)
    REFUND = "Refund"  # the money went back; the note holds the refund reference
    NO_ACTION = "No action"  # nothing to correct; the note says why

    @classmethod
    def parse(cls, text: str) -> "Resolution":
        for resolution in cls:
            if resolution.value.casefold() == text.strip().casefold():
                return resolution
        choices = ", ".join(f"'{r.value}'" for r in cls)
        raise ValueError(f"Unknown resolution '{text}': choose {choices}.")


def resolution_problem(
    resolution: Resolution, note: str, credit_note_number: str | None
) -> tuple[str, str] | None:
    """The first thing missing as (field, message), field "credit_note_number" or "note";
    None when the resolution is complete (whether the credit note exists is the service's)."""
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        return "note", f"Keep the note under {MAX_NOTE_LENGTH} characters."
    if resolution is Resolution.CREDIT_NOTE:
        if not (credit_note_number or "").strip():
            return "credit_note_number", "Enter the number of the credit note you created."
    elif resolution is Resolution.REFUND:
        if not note:
            return "note", "Enter the refund reference."
    elif len(note) < MIN_NOTE_LENGTH:
        return "note", f"Say why no action is needed (at least {MIN_NOTE_LENGTH} characters)."
    return None
