"""Builds the Accounts panel: the view now; the controller feeds it from the sync services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.ui.docks.accounts.view import AccountsPanel

if TYPE_CHECKING:
    from workstation.ui.docks.accounts.controller import AccountsController


@dataclass
class AccountsDock:
    """The Accounts panel's parts."""

    view: AccountsPanel
    controller: AccountsController | None = None

    @classmethod
    def create(cls) -> AccountsDock:
        """Build the empty view."""
        return cls(AccountsPanel())
