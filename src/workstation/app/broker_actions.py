"""The Accounts panel, the Accounts menu and the scheduled broker syncs, wired to the services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.services.blocking import BlockingRunner

if TYPE_CHECKING:
    from workstation.app.gui import Shell
    from workstation.services.sync import LinkService, SyncService
    from workstation.ui.docks.accounts.controller import AccountsController, Spawn


def connect_accounts(
    shell: Shell, context: CommandContext, links: LinkService, sync: SyncService, spawn: Spawn
) -> AccountsController:
    """Build the Accounts panel's controller and the Accounts menu entries."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from workstation.ui.actions import UiAction
    from workstation.ui.docks.accounts.controller import AccountsController

    def open_url(url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    context.open_url = open_url  # /link and /authorize from the palette open the browser too
    dock = shell.attach_accounts()
    controller = AccountsController(
        dock.view,
        links,
        sync,
        spawn,
        context.clock,
        open_url,
        schwab_callback=context.settings.schwab_callback_url,
    )
    dock.controller = controller
    window = shell.window

    def link(broker: str | None = None) -> None:
        controller.open_link_dialog(broker)

    def sync_all() -> None:
        window.focus_panel("accounts")
        window.run_command("/sync")

    window.add_actions(
        [
            UiAction("link-account", "Link account…", link,
                     ("Ctrl+Shift+L",), "Accounts", "Link a Tastytrade or Schwab account"),
            UiAction("sync-now", "Sync accounts now", sync_all, ("Ctrl+Shift+Y",), "Accounts",
                     "Fetch transactions, positions and balances from every linked broker"),
            UiAction("relogin-schwab", "Log in to Schwab again…",
                     lambda: link("schwab"), (), "Accounts",
                     "Schwab logins last 7 days; log in again before it runs out"),
        ],
        window.menu("accounts"),
    )  # fmt: skip
    controller.refresh()
    return controller


def sync_jobs(context: CommandContext, run: BlockingRunner) -> dict[str, Any]:
    """Return the scheduled-job fields for broker sync (none when sync is not wired)."""
    sync, links = context.sync, context.links
    if sync is None or links is None:
        return {}
    from workstation.services.sync import SyncScope

    def scheduled(scope: SyncScope) -> Callable[[], Awaitable[object]]:
        return lambda: sync.sync(scope, scheduled=True)

    async def login_expiry() -> None:
        await run(links.warn_expiring)

    settings = context.settings
    return {
        "sync_balances": scheduled(SyncScope.BALANCES),
        "sync_balances_minutes": settings.sync_balances_minutes,
        "sync_transactions": scheduled(SyncScope.ALL),
        "sync_transactions_minutes": settings.sync_transactions_minutes,
        "login_expiry": login_expiry,
    }
