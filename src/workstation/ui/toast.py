"""In-app toasts: the notification fallback when there is no system tray."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from workstation.domain.notifications import Notification, Severity

TOAST_WIDTH = 340
MARGIN = 14
SECONDS = {Severity.INFO: 5, Severity.WARNING: 8, Severity.ALERT: 10, Severity.ERROR: 12}
MAX_VISIBLE = 4


class Toast(QFrame):
    """One notification card that hides itself after a few seconds."""

    def __init__(self, note: Notification, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("Toast")
        self.setProperty("severity", note.severity.value)
        self.setFixedWidth(TOAST_WIDTH)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        title = QLabel(f"<b>{_escape(note.title)}</b>")
        body = QLabel(_escape(note.body))
        body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.addWidget(title)
        layout.addWidget(body)
        self.note = note
        self.timer = QTimer(self, singleShot=True, interval=SECONDS[note.severity] * 1000)
        self.timer.start()

    def mousePressEvent(self, event: object) -> None:
        """Dismiss on click."""
        self.timer.stop()
        self.timer.timeout.emit()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ToastNotifier(QObject):
    """Notifier that stacks toasts in the bottom-right corner of ``host``."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self._toasts: list[Toast] = []
        self._paused = False
        host.installEventFilter(self)

    @property
    def paused(self) -> bool:
        """True while alerts are paused (errors still show)."""
        return self._paused

    def set_paused(self, paused: bool) -> None:
        """Pause or resume alerts."""
        self._paused = paused

    @property
    def visible(self) -> list[Notification]:
        """Notifications currently on screen, oldest first."""
        return [t.note for t in self._toasts]

    def notify(self, note: Notification) -> None:
        """Show ``note`` as a toast unless paused."""
        if self._paused and note.severity is not Severity.ERROR:
            return
        toast = Toast(note, self._host)
        toast.timer.timeout.connect(lambda t=toast: self._dismiss(t))
        self._toasts.append(toast)
        while len(self._toasts) > MAX_VISIBLE:
            self._dismiss(self._toasts[0])
        toast.show()
        toast.raise_()
        self._place()

    def _dismiss(self, toast: Toast) -> None:
        if toast in self._toasts:
            self._toasts.remove(toast)
            toast.hide()
            toast.deleteLater()
            self._place()

    def _place(self) -> None:
        y = self._host.height() - MARGIN - 28  # above the status bar
        for toast in reversed(self._toasts):
            toast.adjustSize()
            y -= toast.height()
            toast.move(self._host.width() - TOAST_WIDTH - MARGIN, y)
            y -= 8

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep toasts in the corner when the window resizes."""
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self._place()
        return False
