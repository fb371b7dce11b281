"""The first load's progress, from the sync thread to the window: the background sync calls
`report` (sync.client.load_progress hands it a LoadStatus, or None when the load ended) and
the status bar and the Sync screen listen to `sync_load.progressed`. A Qt signal crosses the
thread safely; the sync layer never imports Qt."""

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from sync.client.load_progress import LoadStatus


class SyncLoadRelay(QObject):
    progressed = Signal(object)  # LoadStatus | None (the load ended)

    def __init__(self) -> None:
        super().__init__()
        self.current: LoadStatus | None = None  # for a screen opened in the middle of a load

    def report(self, status: "LoadStatus | None") -> None:
        self.current = status
        self.progressed.emit(status)


sync_load = SyncLoadRelay()


def report(status: "LoadStatus | None") -> None:
    """The callback handed to sync.client.background.background_sync (any thread)."""
    sync_load.report(status)


def loading_text() -> str | None:
    """ "Loading consumers 412,000 of 1,000,000 - about 2 min left", or None when no load runs."""
    status = sync_load.current
    return status.text if status is not None else None
