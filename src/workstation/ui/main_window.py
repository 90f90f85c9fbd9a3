"""The main window: a thin shell of docks, menus, status bar, palette and help.

Features add their own docks with ``add_panel``; nothing here knows what a
panel shows. Geometry and dock layout are saved per workspace.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QWidget

from workstation import PRODUCT, __version__
from workstation.commands.registry import CommandRegistry
from workstation.ui.actions import UiAction
from workstation.ui.help_overlay import HelpOverlay
from workstation.ui.layout_store import LayoutStore
from workstation.ui.palette import CommandPalette
from workstation.ui.status_bar import WorkstationStatusBar

DOCK_AREAS = {
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
    "top": Qt.DockWidgetArea.TopDockWidgetArea,
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
}


class MainWindow(QMainWindow):
    """Shell window. Emits ``quit_requested`` instead of closing, so the app shuts down cleanly."""

    quit_requested = Signal()
    theme_requested = Signal(str)

    def __init__(self, layout: LayoutStore, registry: CommandRegistry, icon: QIcon) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowTitle(PRODUCT)
        self.setWindowIcon(icon)
        self.setDockNestingEnabled(True)
        self.layout_store = layout
        self.minimize_to_tray = False
        self._actions: list[UiAction] = []
        self._panel_menu: QMenu | None = None
        self._default_state: QByteArray | None = None
        self.docks: dict[str, QDockWidget] = {}
        self.status = WorkstationStatusBar(parent=self)
        self.setStatusBar(self.status)
        self.palette_popup = CommandPalette(self, registry)
        self.help_overlay = HelpOverlay(self)
        self._build_menus()
        self.resize(1280, 800)

    # ------------------------------------------------------------------ actions
    def _build_menus(self) -> None:
        bar = self.menuBar()
        titles = (
            ("file", "&File"), ("view", "&View"), ("go", "&Go"), ("accounts", "&Accounts"),
            ("help", "&Help"),
        )  # fmt: skip
        self._menus = {name: bar.addMenu(title) for name, title in titles}
        self._panel_menu = self._menus["view"].addMenu("&Panels")
        for menu, action in (*self._general_actions(), *self._view_actions()):
            self.add_action(action, self._menus[menu])

    def _general_actions(self) -> list[tuple[str, UiAction]]:
        palette = self.palette_popup
        return [
            ("go", UiAction("palette", "Command palette", palette.open, ("Ctrl+K",),
                            help="Search panels and commands")),
            ("go", UiAction("palette-slash", "Type a command", lambda: palette.open("/"),
                            ("/",), help="Open the palette with / typed")),
            ("help", UiAction("help", "Keyboard shortcuts", self.show_help, ("F1", "?"),
                              help="Show every shortcut and command")),
            ("file", UiAction("backup", "Back up workspace now",
                              lambda: self.run_command("/backup"), ("Ctrl+Shift+B",))),
            ("file", UiAction("quit", "Quit", self.quit_requested.emit, ("Ctrl+Q",))),
            ("help", UiAction("about", f"About {PRODUCT}", self.show_about)),
        ]  # fmt: skip

    def _view_actions(self) -> list[tuple[str, UiAction]]:
        theme = self.theme_requested
        return [
            ("view", UiAction("theme-dark", "Dark theme", lambda: theme.emit("dark"),
                              group="View")),
            ("view", UiAction("theme-light", "Light theme", lambda: theme.emit("light"),
                              group="View")),
            ("view", UiAction("reset-layout", "Reset layout", self.reset_layout,
                              ("Ctrl+Shift+R",), "View", "Put every panel back")),
        ]  # fmt: skip

    def menu(self, name: str) -> QMenu:
        """Return the menu called ``name`` (file, view, go, accounts, help)."""
        return self._menus[name]

    def add_actions(self, actions: list[UiAction], menu: QMenu | None = None) -> None:
        """Register several UI actions, refreshing the palette and help listings once."""
        for action in actions:
            self._register(action, menu)
        self._refresh_listings()

    def add_action(self, action: UiAction, menu: QMenu | None = None) -> QAction:
        """Register a UI action: shortcut on the window, menu entry, palette and help."""
        qaction = self._register(action, menu)
        self._refresh_listings()
        return qaction

    def _register(self, action: UiAction, menu: QMenu | None) -> QAction:
        qaction = QAction(action.title, self)
        qaction.setShortcuts([QKeySequence(s) for s in action.shortcuts])
        qaction.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        qaction.triggered.connect(lambda _checked=False: action.trigger())
        self.addAction(qaction)
        if menu is not None:
            menu.addAction(qaction)
        self._actions.append(action)
        return qaction

    def _refresh_listings(self) -> None:
        self.palette_popup.set_actions(self._actions)

    @property
    def ui_actions(self) -> list[UiAction]:
        """Every registered UI action."""
        return list(self._actions)

    # ------------------------------------------------------------------ panels
    def add_panel(
        self, name: str, title: str, widget: QWidget, *, area: str = "left", shortcut: str = ""
    ) -> QDockWidget:
        """Add a dock for a feature's panel, with a View menu entry and a palette entry."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock.{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(DOCK_AREAS[area], dock)
        self.docks[name] = dock
        shortcuts = (shortcut,) if shortcut else ()
        self.add_action(
            UiAction(
                f"panel-{name}",
                f"Show {title}",
                lambda: self.focus_panel(name),
                shortcuts,
                "Panels",
            ),
            self._panel_menu,
        )
        return dock

    def focus_panel(self, name: str) -> None:
        """Show, raise and focus a panel."""
        dock = self.docks[name]
        dock.show()
        dock.raise_()
        dock.widget().setFocus()

    # ------------------------------------------------------------------ layout
    def restore_layout(self) -> None:
        """Restore saved geometry and dock layout (call after the panels are added)."""
        self._default_state = self.saveState(LayoutStore.VERSION)
        geometry, state = self.layout_store.geometry(), self.layout_store.state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state, LayoutStore.VERSION)

    def save_layout(self) -> None:
        """Persist geometry and dock layout for this workspace."""
        self.layout_store.save(self.saveGeometry(), self.saveState(LayoutStore.VERSION))

    def reset_layout(self) -> None:
        """Put every panel back where it started and forget the saved layout."""
        if self._default_state is not None:
            self.restoreState(self._default_state, LayoutStore.VERSION)
        for dock in self.docks.values():
            dock.show()
        self.layout_store.clear_layout()

    # ------------------------------------------------------------------ overlays
    def show_help(self) -> None:
        """Show the shortcut card."""
        self.palette_popup.hide()
        self.help_overlay.populate(self._actions, self.palette_popup.registry)
        self.help_overlay.open()

    def run_command(self, line: str) -> None:
        """Run a command line through the palette and show its result there."""
        self.palette_popup.open(line)
        self.palette_popup.run_line(line)

    def show_about(self) -> None:
        """Show version and licence."""
        QMessageBox.about(
            self,
            f"About {PRODUCT}",
            f"<b>{PRODUCT}</b> {__version__}<br>Local-first options trading "
            "workstation.<br>Your data stays on this machine.<br>MIT licence.",
        )

    # ------------------------------------------------------------------ window events
    def changeEvent(self, event: QEvent) -> None:
        """Minimise to the tray when one exists."""
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.WindowStateChange
            and self.isMinimized()
            and self.minimize_to_tray
        ):
            self.hide()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout and ask the app to shut down cleanly."""
        self.save_layout()
        event.ignore()
        self.quit_requested.emit()
