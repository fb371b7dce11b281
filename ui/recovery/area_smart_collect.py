"""The Recovery menu's entries of the smart_collect area."""

from ui.recovery.entries import RecoveryEntry


def entries() -> list[RecoveryEntry]:
    return []
