"""The main window shell: palette, help, theme, layout, notifications."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt

from workstation.app.gui import Shell
from workstation.app.runtime import open_runtime
from workstation.app.workspace import WorkspaceTarget
from workstation.domain.notifications import Notification, Severity
from workstation.services.blocking import run_in_thread
from workstation.services.events import EventBus
from workstation.ui.theme import current_theme
from workstation.ui.toast import ToastNotifier


@pytest.fixture
def shell(qtbot, demo_folder):
    shell = Shell(WorkspaceTarget(demo_folder, "demo"), size=(1200, 760))
    qtbot.addWidget(shell.window)
    shell.window.show()
    qtbot.waitExposed(shell.window)
    yield shell
    shell.set_theme("dark")


@pytest.fixture
def runtime(qt_loop, demo_folder, clock):
    runtime = qt_loop.run_until_complete(
        asyncio.to_thread(
            open_runtime,
            WorkspaceTarget(demo_folder, "demo"),
            EventBus(),
            run_in_thread,
            None,
            clock=clock,
        )
    )
    yield runtime
    runtime.close()


def _spawn(loop):
    return lambda coro, name: loop.create_task(coro, name=name)


def test_ctrl_k_and_slash_open_the_palette(qtbot, shell):
    palette = shell.window.palette_popup
    qtbot.keyClick(shell.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert palette.isVisible()
    assert palette.input.text() == ""
    qtbot.keyClick(palette.input, Qt.Key.Key_Escape)
    assert not palette.isVisible()
    qtbot.keyClick(shell.window, Qt.Key.Key_Slash)
    assert palette.isVisible()
    assert palette.input.text() == "/"


def test_palette_fuzzy_search_finds_panels_and_commands(qtbot, shell):
    palette = shell.window.palette_popup
    palette.open()
    qtbot.keyClicks(palette.input, "dash")
    assert palette.list.item(0).text().startswith("Show Dashboard")
    palette.input.clear()
    qtbot.keyClicks(palette.input, "expected")
    assert palette.list.item(0).text().startswith("/em")


def test_palette_action_runs_and_closes(qtbot, shell):
    palette = shell.window.palette_popup
    palette.open()
    qtbot.keyClicks(palette.input, "light theme")
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert current_theme() == "light"
    assert shell.layout.theme() == "light"


def test_palette_runs_em_through_the_shared_grammar(qtbot, qt_loop, shell, runtime):
    palette = shell.window.palette_popup
    palette.set_runner(lambda: runtime.context, _spawn(qt_loop))
    palette.open()
    qtbot.keyClicks(palette.input, "/em SPY 7")
    assert "Enter runs" in palette.hint.text()
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    qt_loop.run_until_complete(palette.running)
    text = palette.output.toPlainText()
    assert text.startswith("Expected move SPY 7d")
    assert "1σ move ±" in text
    assert "S·IV·√(7/365)" in text
    assert "S·IV·√(5/252)" in text  # five sessions: Thanksgiving is a holiday
    assert "0.85×" in text


def test_palette_shows_grammar_errors_without_running(qtbot, shell):
    palette = shell.window.palette_popup
    palette.open()
    qtbot.keyClicks(palette.input, "/em SPY soon")
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    assert palette.running is None
    assert "DAYS must be a whole number, got 'soon'" in palette.output.toPlainText()


def test_palette_says_when_the_workspace_is_not_open_yet(qtbot, shell):
    shell.window.palette_popup.run_line("/em SPY 7")
    assert "still opening" in shell.window.palette_popup.output.toPlainText()


def test_help_overlay_lists_shortcuts_and_commands(qtbot, shell):
    qtbot.keyClick(shell.window, Qt.Key.Key_F1)
    overlay = shell.window.help_overlay
    assert overlay.isVisible()
    texts = [w.text() for w in overlay.card.findChildren(type(shell.window.status.clock))]
    joined = " ".join(texts)
    assert "Ctrl+K" in joined
    assert "/em SYMBOL [DAYS]" in joined
    assert "/chain SYMBOL [DAYS]" in joined
    assert "Show Dashboard" in joined
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.isVisible()


def test_layout_is_saved_and_reset(qtbot, shell, demo_folder):
    dock = shell.window.docks["dashboard"]
    dock.hide()
    shell.window.save_layout()
    again = Shell(WorkspaceTarget(demo_folder, "demo"))
    qtbot.addWidget(again.window)
    assert again.layout.state() is not None
    assert again.window.docks["dashboard"].isHidden()
    again.window.reset_layout()
    assert not again.window.docks["dashboard"].isHidden()
    assert again.layout.state() is None


def test_offscreen_uses_toasts_which_pause_but_always_show_errors(qtbot, shell):
    notifier = shell.notifier
    assert isinstance(notifier, ToastNotifier)  # no system tray offscreen
    notifier.notify(Notification("IV spike", "SPY IV rank 85", Severity.ALERT))
    assert [n.title for n in notifier.visible] == ["IV spike"]
    notifier.set_paused(True)
    notifier.notify(Notification("Sweep", "SSL swept", Severity.ALERT))
    notifier.notify(Notification("Feed failed", "demo", Severity.ERROR))
    assert [n.title for n in notifier.visible] == ["IV spike", "Feed failed"]
    for _ in range(6):
        notifier.notify(Notification("more", "x", Severity.ERROR))
    assert len(notifier.visible) == 4


def test_panel_shortcut_focuses_the_dashboard(qtbot, shell):
    shell.window.docks["dashboard"].hide()
    qtbot.keyClick(shell.window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert shell.window.docks["dashboard"].isVisible()


def test_tray_menu_shows_hides_pauses_and_quits(qtbot, shell):
    from workstation.ui.tray import TrayNotifier

    quits = []
    tray = TrayNotifier(shell.window, shell.icon, lambda: quits.append(True))
    menu = [a.text() for a in tray.contextMenu().actions() if a.text()]
    assert menu == ["Show / hide window", "Pause alerts", "Quit"]
    tray.show_action.trigger()
    assert not shell.window.isVisible()
    tray.show_action.trigger()
    assert shell.window.isVisible()
    tray.pause_action.trigger()
    assert tray.paused
    tray.quit_action.trigger()
    assert quits == [True]


def test_ctrl_5_shows_the_risk_panel_tabbed_with_the_pnl_panel(qtbot, shell):
    docks = shell.window.docks
    assert docks["risk"] in shell.window.tabifiedDockWidgets(docks["pnl"])
    assert shell.risk is None  # built by the session the first time it is shown
    qtbot.keyClick(shell.window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert docks["risk"].isVisible()
    assert not docks["risk"].visibleRegion().isEmpty()  # raised in front of the P&L panel
