"""System-tray notifier with its menu: show/hide, pause alerts, quit."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from workstation.domain.notifications import Notification, Severity

_ICONS = {
    Severity.INFO: QSystemTrayIcon.MessageIcon.Information,
    Severity.WARNING: QSystemTrayIcon.MessageIcon.Warning,
    Severity.ALERT: QSystemTrayIcon.MessageIcon.Warning,
    Severity.ERROR: QSystemTrayIcon.MessageIcon.Critical,
}


class TrayNotifier(QSystemTrayIcon):
    """Notifies through the system tray; its menu controls the window and alerts."""

    def __init__(self, window: QWidget, icon: QIcon, on_quit: Callable[[], None]) -> None:
        super().__init__(icon, window)
        self._window = window
        self.setToolTip("Volaris Workstation")
        menu = QMenu(window)
        self.show_action = QAction("Show / hide window", menu)
        self.show_action.triggered.connect(self.toggle_window)
        self.pause_action = QAction("Pause alerts", menu)
        self.pause_action.setCheckable(True)
        self.quit_action = QAction("Quit", menu)
        self.quit_action.triggered.connect(on_quit)
        menu.addAction(self.show_action)
        menu.addAction(self.pause_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.setContextMenu(menu)
        self.activated.connect(self._activated)

    @property
    def paused(self) -> bool:
        """True while alerts are paused (errors still show)."""
        return self.pause_action.isChecked()

    def set_paused(self, paused: bool) -> None:
        """Pause or resume alerts."""
        self.pause_action.setChecked(paused)

    def notify(self, note: Notification) -> None:
        """Show a tray balloon unless paused."""
        if self.paused and note.severity is not Severity.ERROR:
            return
        self.showMessage(note.title, note.body, _ICONS[note.severity], 8000)

    def toggle_window(self) -> None:
        """Show the window if hidden or minimised, else hide it to the tray."""
        if self._window.isVisible() and not self._window.isMinimized():
            self._window.hide()
        else:
            self._window.showNormal()
            self._window.raise_()
            self._window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()
