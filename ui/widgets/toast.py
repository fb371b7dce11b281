"""A toast: a short non-modal message at the bottom of a window that goes away by itself."""

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

KINDS = ("ok", "error", "info")  # each has its colours in the stylesheet (QFrame#toast[kind])
MARGIN = 18


class Toast(QFrame):
    """Shown over `host`'s window (or on its own when there is none); never takes the focus."""

    def __init__(self, host: QWidget | None, message: str, kind: str, timeout_ms: int) -> None:
        window = host.window() if host is not None else None
        super().__init__(window)
        self.setObjectName("toast")
        self.setProperty("kind", kind if kind in KINDS else "info")
        self.setAccessibleName("Notification")
        self.setAccessibleDescription(message)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if window is None:
            self.setWindowFlags(
                Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint
            )  # a floating note when the dialog it belonged to has closed
        self.label = QLabel(message)
        self.label.setObjectName("toastMessage")
        self.label.setWordWrap(len(message) > 60)  # a short message stays on one line
        self.label.setMaximumWidth(520)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.label)
        self.message = message
        self.kind = kind
        self._timer = QTimer(self, singleShot=True, interval=timeout_ms)
        self._timer.timeout.connect(self.close)
        if window is not None:
            window.installEventFilter(self)  # follow the window when it is resized

    def popup(self) -> "Toast":
        parent = self.parentWidget()
        if parent is not None:
            for older in parent.findChildren(
                Toast, options=Qt.FindChildOption.FindDirectChildrenOnly
            ):
                if older is not self:
                    older.close()  # one message at a time: the newest says what just happened
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start()
        return self

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def mousePressEvent(self, event: object) -> None:  # a click dismisses it early
        self.close()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            x = (parent.width() - self.width()) // 2
            self.move(max(MARGIN, x), parent.height() - self.height() - MARGIN)
            return
        screen = self.screen().availableGeometry()
        self.move(
            screen.center().x() - self.width() // 2, screen.bottom() - self.height() - MARGIN * 3
        )


def show_toast(
    host: QWidget | None, message: str, *, kind: str = "ok", timeout_ms: int = 4000
) -> Toast:
    """`kind` is ok, error or info. Errors stay a little longer: there is more to read."""
    if kind == "error":
        timeout_ms = max(timeout_ms, 6000)
    return Toast(host, message, kind, timeout_ms).popup()
