"""The Recovery menu's entries of the experiments area."""

from ui.recovery.entries import RecoveryEntry


def entries() -> list[RecoveryEntry]:
    return []
