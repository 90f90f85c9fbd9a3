"""The Link account dialog: personal grant, revoked grant, Schwab browser login, pasted URL, Cancel.

A real LinkService over a temporary SQLite file; the gateway is the in-memory
stub, extended here to record what it was given and to wait for a browser
that never comes back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from tests.fakes.broker_client import StubBroker, StubGateway
from tests.fakes.clock import FixedClock
from tests.ui.test_accounts_panel import SCHWAB, TASTY, settle, spawner, until
from workstation.domain.brokers import BrokerAccount, LinkState
from workstation.ports.broker import AuthorizationAttempt
from workstation.services.sync import LinkService
from workstation.storage.broker_sync import BrokerSyncStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.ui.dialogs.link_account import LinkAccountDialog

NOW = datetime(2026, 11, 24, 16, 37, tzinfo=UTC)
CALLBACK = "https://127.0.0.1:8182/callback"
REDIRECT = "https://127.0.0.1:8182/callback?code=C0DE%40&session=s"


@dataclass
class RecordingGateway(StubGateway):
    """Records logins; with ``browser_returns`` False the redirect never arrives by itself."""

    browser_returns: bool = True
    begun: list[dict[str, str]] = field(default_factory=list)
    finished: list[str | None] = field(default_factory=list)
    waits_cancelled: int = 0

    async def begin_authorization(
        self, broker: str, credentials: Mapping[str, str]
    ) -> AuthorizationAttempt:
        self.begun.append(dict(credentials))
        return await super().begin_authorization(broker, credentials)

    async def finish_authorization(
        self, broker: str, pasted_redirect: str | None = None, timeout: float = 300.0
    ) -> list[BrokerAccount]:
        self.finished.append(pasted_redirect)
        if pasted_redirect is None and not self.browser_returns:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.waits_cancelled += 1
                raise
        return await super().finish_authorization(broker, pasted_redirect, timeout)


@dataclass
class Harness:
    dialog: LinkAccountDialog
    links: LinkService
    gateway: RecordingGateway
    loop: asyncio.AbstractEventLoop
    tasks: list[asyncio.Task[Any]]
    opened: list[str]
    linked: list[tuple[str, list[BrokerAccount]]]

    def statuses(self) -> dict[str, LinkState]:
        return {s.broker: s.state for s in self.loop.run_until_complete(self.links.statuses())}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


@pytest.fixture
def make(qtbot: QtBot, qt_loop: asyncio.AbstractEventLoop, db: Database) -> Any:
    def make(broker: str | None = None, browser_returns: bool = True) -> Harness:
        gateway = RecordingGateway(
            {
                "tastytrade": StubBroker("tastytrade", [TASTY]),
                "schwab": StubBroker("schwab", [SCHWAB]),
            },
            browser_returns=browser_returns,
        )
        links = LinkService(gateway, BrokerSyncStore(db), FixedClock(NOW))
        tasks: list[asyncio.Task[Any]] = []
        opened: list[str] = []
        dialog = LinkAccountDialog(
            links, spawner(qt_loop, tasks), opened.append, CALLBACK, broker=broker
        )
        dialog.close_after_ms = 0
        qtbot.addWidget(dialog)
        linked: list[tuple[str, list[BrokerAccount]]] = []
        dialog.linked.connect(lambda name, accounts: linked.append((name, accounts)))
        dialog.show()
        return Harness(dialog, links, gateway, qt_loop, tasks, opened, linked)

    return make


def closed_with_accept(h: Harness) -> None:
    until(h.loop, lambda: h.dialog.result() == QDialog.DialogCode.Accepted)
    assert not h.dialog.isVisible()


def test_secret_fields_are_masked(make: Any) -> None:
    dialog = make().dialog
    for edit in (dialog.client_secret, dialog.refresh_token, dialog.browser_secret,
                 dialog.app_key, dialog.app_secret):  # fmt: skip
        assert edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.client_id.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.callback_url.text() == CALLBACK


def test_a_personal_grant_links_and_closes(make: Any) -> None:
    h = make()
    h.dialog.go.click()  # nothing typed yet
    assert "Enter the client secret and the refresh token" in h.dialog.status.text()
    h.dialog.client_secret.setText("the-client-secret")
    h.dialog.refresh_token.setText("the-refresh-token")
    h.dialog.go.click()
    settle(h.loop, h.tasks)
    assert "Tastytrade linked: 5WT1 (Main)" in h.dialog.status.text()
    assert h.linked == [("tastytrade", [TASTY])]
    closed_with_accept(h)
    assert h.statuses()["tastytrade"] is LinkState.LINKED
    assert h.opened == []


def test_a_revoked_grant_shows_the_reason_and_stays_open(make: Any) -> None:
    h = make()
    h.dialog.client_secret.setText("the-client-secret")
    h.dialog.refresh_token.setText("revoked")
    h.dialog.go.click()
    settle(h.loop, h.tasks)
    assert "invalid_grant" in h.dialog.status.text()
    assert "the-client-secret" not in h.dialog.status.text()
    assert h.dialog.isVisible()
    assert h.dialog.result() != QDialog.DialogCode.Accepted
    assert h.dialog.go.isEnabled()  # try again with another grant
    assert h.linked == []
    assert h.statuses()["tastytrade"] is LinkState.UNLINKED


def test_tastytrade_browser_login_opens_the_page_and_completes(make: Any) -> None:
    h = make()
    h.dialog.choose("tastytrade", "browser")
    assert h.dialog.go.text() == "&Log in with the browser"
    h.dialog.client_id.setText("client-id")
    h.dialog.browser_secret.setText("client-secret")
    h.dialog.go.click()
    settle(h.loop, h.tasks)
    assert h.gateway.begun == [{"client_id": "client-id", "client_secret": "client-secret"}]
    assert h.opened == ["https://127.0.0.1/authorize/tastytrade"]
    closed_with_accept(h)


def test_schwab_browser_login_opens_the_authorize_url_and_completes(make: Any) -> None:
    h = make()
    h.dialog.broker_choice.setCurrentIndex(1)  # Schwab
    assert h.dialog.go.text() == "&Log in with Schwab"
    h.dialog.app_key.setText("app-key")
    h.dialog.app_secret.setText("app-secret")
    h.dialog.go.click()
    settle(h.loop, h.tasks)
    assert h.gateway.begun == [{"app_key": "app-key", "app_secret": "app-secret",
                                "callback_url": CALLBACK}]  # fmt: skip
    assert h.opened == ["https://127.0.0.1/authorize/schwab"]
    assert h.gateway.finished == [None]
    assert h.linked == [("schwab", [SCHWAB])]
    closed_with_accept(h)
    assert h.statuses()["schwab"] is LinkState.LINKED


def test_the_pasted_redirect_completes_a_login_the_browser_could_not_finish(make: Any) -> None:
    h = make(browser_returns=False)
    h.dialog.broker_choice.setCurrentIndex(1)  # Schwab
    h.dialog.app_key.setText("app-key")
    h.dialog.app_secret.setText("app-secret")
    h.dialog.go.click()
    until(h.loop, lambda: h.gateway.finished == [None])
    assert "Waiting for the browser" in h.dialog.status.text()
    assert h.dialog.waiting()
    assert h.dialog.paste_button.isEnabled()
    assert not h.dialog.go.isEnabled()
    h.dialog.pasted.setText(REDIRECT)
    h.dialog.paste_button.click()
    settle(h.loop, h.tasks)
    assert h.gateway.waits_cancelled == 1  # the listener's wait gave way to the pasted URL
    assert h.gateway.finished == [None, REDIRECT]
    assert len(h.gateway.begun) == 1  # the same login, not a new one
    closed_with_accept(h)
    assert h.statuses()["schwab"] is LinkState.LINKED


def test_cancel_while_waiting_stops_the_wait(make: Any) -> None:
    h = make(browser_returns=False)
    h.dialog.broker_choice.setCurrentIndex(1)  # Schwab
    h.dialog.app_key.setText("app-key")
    h.dialog.app_secret.setText("app-secret")
    h.dialog.go.click()
    until(h.loop, lambda: h.gateway.finished == [None])
    h.dialog.cancel.click()
    settle(h.loop, h.tasks)
    assert h.gateway.waits_cancelled == 1
    assert all(t.cancelled() for t in h.tasks)
    assert h.dialog.result() == QDialog.DialogCode.Rejected
    assert h.linked == []
    assert h.statuses()["schwab"] is LinkState.UNLINKED


def test_log_in_again_preselects_the_broker_and_uses_the_stored_app(make: Any) -> None:
    h = make(broker="schwab")
    assert h.dialog.windowTitle() == "Log in to Schwab again"
    assert h.dialog.broker() == "schwab"
    assert h.dialog.schwab_page.isVisible()
    assert not h.dialog.grant_page.isVisible()
    assert not h.dialog.broker_choice.isEnabled()  # the broker is fixed when logging in again
    h.dialog.go.click()  # app key and secret left empty: the stored ones are used
    settle(h.loop, h.tasks)
    assert h.gateway.begun == [{"callback_url": CALLBACK}]
    closed_with_accept(h)


def test_pasting_before_logging_in_starts_the_login_first(qtbot: QtBot, make: Any) -> None:
    h = make(broker="schwab")
    h.dialog.paste_button.click()
    assert "Paste the address" in h.dialog.status.text()
    h.dialog.pasted.setFocus()
    qtbot.keyClicks(h.dialog.pasted, REDIRECT)
    qtbot.keyClick(h.dialog.pasted, Qt.Key.Key_Return)  # Enter here means the pasted URL
    settle(h.loop, h.tasks)
    assert h.gateway.begun == [{"callback_url": CALLBACK}]
    assert h.gateway.finished == [REDIRECT]
    assert h.opened == []
    closed_with_accept(h)
