"""How long-running work says how far it is: a stage, items done, items in all (if known)."""

from typing import Protocol


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int | None = None) -> None: ...


def no_progress(stage: str, done: int, total: int | None = None) -> None:
    """For callers that show nothing (tests, --json)."""
