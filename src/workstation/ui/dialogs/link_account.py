"""Accounts -> Link account: link Tastytrade or Schwab, or log in to a linked one again.

Tastytrade links with a personal grant (client secret + refresh token, proved
by a token refresh) or a browser login (client id + secret). Schwab always
logs in in the browser; when the browser cannot reach the local callback, the
trader pastes the address it ended on. Credentials go to the link service
(the OS keyring) and nowhere else: secret fields are masked, nothing is
logged, and an error never repeats what was typed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.brokers import BrokerAccount, BrokerName
from workstation.services.sync import BrokerError
from workstation.ui.theme import colors

if TYPE_CHECKING:
    from workstation.services.sync import LinkService

Spawn = Callable[[Coroutine[Any, Any, Any], str], object]
DEFAULT_SCHWAB_CALLBACK = "https://127.0.0.1:8182/callback"
CLOSE_AFTER_MS = 1500  # long enough to read which accounts were linked
TASTYTRADE, SCHWAB = BrokerName.TASTYTRADE.value, BrokerName.SCHWAB.value
GRANT, BROWSER = "grant", "browser"  # the two ways into tastytrade
_PASSWORD = QLineEdit.EchoMode.Password
GRANT_NOTE = (
    "In tastytrade: My Profile → API → OAuth Applications. Keep the client secret and "
    "create a personal grant for the refresh token."
)
BROWSER_NOTE = (
    "Opens tastytrade's login page in your browser; allow access and this window "
    "finishes by itself."
)
SCHWAB_NOTE = (
    "Log in with Schwab opens Schwab's login in your browser (a Schwab login lasts 7 days). "
    "If the browser ends on an error page at 127.0.0.1, copy the address from its address "
    "bar and paste it here."
)


def _field(placeholder: str, secret: bool = False) -> QLineEdit:
    field = QLineEdit(placeholderText=placeholder)
    if secret:
        field.setEchoMode(_PASSWORD)
    return field


def _note(text: str) -> QLabel:
    note = QLabel(text, wordWrap=True)
    note.setObjectName("Muted")
    return note


class LinkAccountDialog(QDialog):
    """Links a broker (or logs in again) and closes with ``accept()`` once it is linked."""

    linked = Signal(str, object)  # broker, list[BrokerAccount]

    def __init__(
        self,
        links: LinkService,
        spawn: Spawn,
        open_url: Callable[[str], None],
        schwab_callback: str = DEFAULT_SCHWAB_CALLBACK,
        parent: QWidget | None = None,
        broker: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._links, self._spawn, self._open_url = links, spawn, open_url
        self.relogin = broker is not None
        self.close_after_ms = CLOSE_AFTER_MS
        self._task: asyncio.Task[Any] | None = None
        self._generation = 0
        self._begun: set[str] = set()  # brokers whose browser login started in this dialog
        self.succeeded = False
        self._closer = QTimer(self, singleShot=True)
        self._closer.timeout.connect(self.accept)
        self._build(schwab_callback)
        self.choose(broker or TASTYTRADE)
        self.broker_choice.setEnabled(not self.relogin)  # logging in again: the broker is fixed
        title = f"Log in to {(broker or '').title()} again" if broker else "Link a broker account"
        self.setWindowTitle(title)

    # ------------------------------------------------------------ widgets
    def _build(self, schwab_callback: str) -> None:
        self.status = QLabel(wordWrap=True)
        self.status.setMinimumHeight(36)
        self.buttons = QDialogButtonBox()
        self.go = QPushButton("&Link")
        self.go.setDefault(True)
        self.buttons.addButton(self.go, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.go.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self.broker_choice = QComboBox()
        self.broker_choice.addItem("Tastytrade", TASTYTRADE)
        self.broker_choice.addItem("Schwab", SCHWAB)
        self.method = QComboBox()
        self.method.addItem("Personal grant (client secret and refresh token)", GRANT)
        self.method.addItem("Browser login (client id and secret)", BROWSER)
        self.choices = QFormLayout()
        self.choices.addRow("&Broker", self.broker_choice)
        self.choices.addRow("&Method", self.method)
        self.grant_page, self.browser_page = self._grant_page(), self._browser_page()
        self.schwab_page = self._schwab_page(schwab_callback)
        layout = QVBoxLayout(self)
        layout.addLayout(self.choices)
        for page in (self.grant_page, self.browser_page, self.schwab_page):
            layout.addWidget(page)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.setStyleSheet(dimmed_when_disabled())
        self.broker_choice.currentIndexChanged.connect(lambda _index: self._chosen())
        self.method.currentIndexChanged.connect(lambda _index: self._chosen())

    def _grant_page(self) -> QWidget:
        self.client_secret = _field("from API → OAuth Applications", secret=True)
        self.refresh_token = _field("the personal grant's refresh token", secret=True)
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 4, 0, 0)
        form.addRow("Client &secret", self.client_secret)
        form.addRow("&Refresh token", self.refresh_token)
        form.addRow(_note(GRANT_NOTE))
        return page

    def _browser_page(self) -> QWidget:
        self.client_id = _field("the OAuth application's client id")
        self.browser_secret = _field("the OAuth application's client secret", secret=True)
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 4, 0, 0)
        form.addRow("Client &ID", self.client_id)
        form.addRow("Client &secret", self.browser_secret)
        form.addRow(_note(BROWSER_NOTE))
        return page

    def _schwab_page(self, schwab_callback: str) -> QWidget:
        kept = "leave empty to use the stored one" if self.relogin else ""
        self.app_key = _field(kept or "from developer.schwab.com → Dashboard → App", secret=True)
        self.app_secret = _field(kept or "the app's secret", secret=True)
        self.callback_url = _field("exactly as registered with the app")
        self.callback_url.setText(schwab_callback)
        self.pasted = _field("https://127.0.0.1:8182/callback?code=…")
        self.paste_button = QPushButton("&Finish with pasted URL")
        self.paste_button.clicked.connect(self.finish_with_pasted)
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 4, 0, 0)
        form.addRow("App &key", self.app_key)
        form.addRow("App s&ecret", self.app_secret)
        form.addRow("Callback &URL", self.callback_url)
        form.addRow(_note(SCHWAB_NOTE))
        label = QLabel("Paste the &redirected URL:")
        label.setBuddy(self.pasted)
        form.addRow(label)
        row = QHBoxLayout()
        row.addWidget(self.pasted, 1)
        row.addWidget(self.paste_button)
        form.addRow(row)
        return page

    # ------------------------------------------------------------ choices
    def choose(self, broker: str, method: str = GRANT) -> None:
        """Show the page of ``broker`` (tastytrade or schwab) and, for tastytrade, ``method``."""
        self.broker_choice.setCurrentIndex(self.broker_choice.findData(broker))
        self.method.setCurrentIndex(self.method.findData(method))
        self._chosen()

    def broker(self) -> str:
        """The chosen broker's name."""
        return str(self.broker_choice.currentData())

    def uses_browser(self) -> bool:
        """True when the chosen way in is a browser login (always for Schwab)."""
        return self.broker() == SCHWAB or self.method.currentData() == BROWSER

    def _chosen(self) -> None:
        schwab, browser = self.broker() == SCHWAB, self.method.currentData() == BROWSER
        self.choices.setRowVisible(self.method, not schwab)
        self.grant_page.setVisible(not schwab and not browser)
        self.browser_page.setVisible(not schwab and browser)
        self.schwab_page.setVisible(schwab)
        if schwab:
            self.go.setText("&Log in with Schwab")
        else:
            self.go.setText("&Log in with the browser" if browser else "&Link")
        self._say("")
        if self.isVisible():
            self.adjustSize()
            self._focus_first()

    def fields(self) -> dict[str, str]:
        """The credentials typed for the chosen broker and method (empty ones left out)."""
        if self.broker() == SCHWAB:
            chosen = {"app_key": self.app_key, "app_secret": self.app_secret,
                      "callback_url": self.callback_url}  # fmt: skip
        elif self.uses_browser():
            chosen = {"client_id": self.client_id, "client_secret": self.browser_secret}
        else:
            chosen = {"client_secret": self.client_secret, "refresh_token": self.refresh_token}
        return {name: text for name, edit in chosen.items() if (text := edit.text().strip())}

    def _missing(self, fields: dict[str, str]) -> list[str]:
        needed: tuple[str, ...]
        if self.broker() == SCHWAB:
            needed = (
                ("callback_url",) if self.relogin else ("app_key", "app_secret", "callback_url")
            )
        elif self.uses_browser():
            needed = ("client_id", "client_secret")
        else:
            needed = ("client_secret", "refresh_token")
        return [name.replace("_", " ") for name in needed if name not in fields]

    # ------------------------------------------------------------ flows
    def start(self) -> None:
        """Link with the personal grant, or start the browser login, for the chosen broker."""
        fields, broker = self.fields(), self.broker()
        missing = self._missing(fields)
        if missing:
            self._say(f"Enter the {' and the '.join(missing)}.", bad=True)
            return
        if not self.uses_browser():
            self._run(lambda: self._link_grant(fields), "link tastytrade", fields)
        else:
            self._run(lambda: self._browser_login(broker, fields), f"log in {broker}", fields)

    def finish_with_pasted(self) -> None:
        """Finish the Schwab login with the redirected URL pasted from the browser."""
        url, fields = self.pasted.text().strip(), self.fields()
        if not url:
            self._say("Paste the address the browser ended on (it holds ?code=…).", bad=True)
            return
        if SCHWAB not in self._begun and self._missing(fields):
            self._say(f"Enter the {' and the '.join(self._missing(fields))}.", bad=True)
            return
        self._run(lambda: self._finish_pasted(fields, url), "log in schwab (pasted)", fields)

    async def _link_grant(self, fields: dict[str, str]) -> None:
        self._say("Checking the grant with Tastytrade…")
        self._done(TASTYTRADE, await self._links.link(TASTYTRADE, fields))

    async def _browser_login(self, broker: str, fields: dict[str, str]) -> None:
        self._say("Starting the login…")
        attempt = await self._links.begin_authorization(broker, fields)
        self._begun.add(broker)
        self._open_url(attempt.url)
        self.paste_button.setEnabled(True)
        self.pasted.setEnabled(True)
        self._say(
            f"Waiting for the browser… Log in to {broker.title()} and allow access; this window "
            "finishes by itself. Cancel stops waiting."
        )
        self._done(broker, await self._links.finish_authorization(broker))

    async def _finish_pasted(self, fields: dict[str, str], url: str) -> None:
        if SCHWAB not in self._begun:
            await self._links.begin_authorization(SCHWAB, fields)
            self._begun.add(SCHWAB)
        self._say("Finishing the login with the pasted address…")
        self._done(SCHWAB, await self._links.finish_authorization(SCHWAB, pasted_redirect=url))

    def _run(self, work: Callable[[], Awaitable[None]], name: str, fields: dict[str, str]) -> None:
        self._stop_waiting()
        self._generation += 1
        self._busy(True)
        self._spawn(self._guarded(work, self._generation, list(fields.values())), name)

    async def _guarded(
        self, work: Callable[[], Awaitable[None]], generation: int, typed: Sequence[str]
    ) -> None:
        if generation != self._generation:  # cancelled before it started
            return
        self._task = asyncio.current_task()

        def mine() -> bool:  # False once a newer attempt (or Cancel) took over
            return generation == self._generation

        try:
            await work()
        except (BrokerError, ValueError) as exc:
            if mine():
                self._say(_scrub(str(exc), typed), bad=True)
        except asyncio.CancelledError:
            if mine():
                self._say("Stopped waiting: nothing was linked.")
            raise
        except Exception as exc:
            if mine():
                self._say(f"Linking failed unexpectedly ({type(exc).__name__}); see the log.",
                          bad=True)  # fmt: skip
            raise
        finally:
            if mine():
                self._task = None
                self._busy(False)

    def _done(self, broker: str, accounts: list[BrokerAccount]) -> None:
        names = ", ".join(f"{a.number} ({a.nickname})" if a.nickname else a.number
                          for a in accounts) or "no accounts"  # fmt: skip
        self._say(f"{broker.title()} linked: {names}.", good=True)
        self.succeeded = True
        self.linked.emit(broker, accounts)
        self._closer.start(self.close_after_ms)

    def _stop_waiting(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()

    def reject(self) -> None:
        """Stop any login under way and close."""
        self._generation += 1
        self._stop_waiting()
        super().reject()

    # ------------------------------------------------------------ state
    def waiting(self) -> bool:
        """True while a link or login is under way."""
        return self._task is not None and not self._task.done()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the pasted-URL field finishes with that URL (not the main button)."""
        enter = Qt.Key(event.key()) in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.focusWidget() is self.pasted:
            self.finish_with_pasted()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        """Put the cursor in the first empty field (or on the main button)."""
        super().showEvent(event)
        self._focus_first()

    def _focus_first(self) -> None:
        if self.broker() == SCHWAB:
            edits = [self.app_key, self.app_secret] if not self.relogin else []
        elif self.uses_browser():
            edits = [self.client_id, self.browser_secret]
        else:
            edits = [self.client_secret, self.refresh_token]
        empty = next((edit for edit in edits if not edit.text()), None)
        (empty or self.go).setFocus()

    def _busy(self, busy: bool) -> None:
        inputs = (
            self.method, self.go, self.client_secret, self.refresh_token,
            self.client_id, self.browser_secret, self.app_key, self.app_secret, self.callback_url,
            self.pasted, self.paste_button,
        )  # fmt: skip
        for widget in inputs:
            widget.setEnabled(not (busy or self.succeeded))
        self.broker_choice.setEnabled(not (busy or self.succeeded or self.relogin))

    def _say(self, text: str, *, bad: bool = False, good: bool = False) -> None:
        palette = colors()
        color = palette.negative if bad else palette.positive if good else None
        self.status.setStyleSheet("" if color is None else f"color: {color.name()};")
        self.status.setText(text)


def dimmed_when_disabled() -> str:
    """A style sheet that greys out disabled buttons and fields (the themes leave them as is)."""
    muted = colors().muted.name()
    return f"QPushButton:disabled, QLineEdit:disabled, QComboBox:disabled {{ color: {muted}; }}"


def _scrub(message: str, typed: Sequence[str]) -> str:
    """Hide anything the trader typed that a message might repeat (a token, a secret)."""
    for value in typed:
        if len(value) >= 4 and not value.startswith("http"):
            message = message.replace(value, "•••")
    return message
