"""Linking and unlinking brokers, and each link's status with its login countdown.

Credentials go straight to the gateway (the OS keyring); the database only
learns that a link exists, its accounts and its state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from workstation.domain.brokers import BrokerAccount, BrokerName, LinkState
from workstation.domain.notifications import Notification, Severity
from workstation.ports.broker import AuthorizationAttempt, BrokerGateway
from workstation.ports.clock import Clock
from workstation.ports.notifier import Notifier
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.services.sync.model import LinkStatus
from workstation.storage.broker_sync import BrokerSyncStore

#: Warn about a login that dies within this long (Schwab: from day 6 of 7).
RELOGIN_WARNING = timedelta(days=1)


class LinkService:
    """Makes and breaks broker links and reports where each stands."""

    def __init__(
        self,
        gateway: BrokerGateway,
        store: BrokerSyncStore,
        clock: Clock,
        notifier: Notifier | None = None,
        run: BlockingRunner = run_in_thread,
    ) -> None:
        self._gateway = gateway
        self._store = store
        self._clock = clock
        self.notifier = notifier
        self._run = run
        self._listeners: list[Callable[[], None]] = []
        self._warned: set[tuple[str, datetime]] = set()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after a link is made or broken."""
        self._listeners.append(listener)

    async def link(self, broker: str, credentials: Mapping[str, str]) -> list[BrokerAccount]:
        """Link ``broker`` with ``credentials`` (proved by a token refresh); return its accounts."""
        accounts = await self._gateway.link(_known(broker), credentials)
        return await self._linked(broker, accounts)

    async def begin_authorization(
        self, broker: str, credentials: Mapping[str, str]
    ) -> AuthorizationAttempt:
        """Start a browser login for ``broker``; open the returned URL."""
        return await self._gateway.begin_authorization(_known(broker), credentials)

    async def finish_authorization(
        self, broker: str, pasted_redirect: str | None = None, timeout: float = 300.0
    ) -> list[BrokerAccount]:
        """Complete the browser login (redirect caught, or pasted) and store the tokens."""
        accounts = await self._gateway.finish_authorization(broker, pasted_redirect, timeout)
        return await self._linked(broker, accounts)

    async def unlink(self, broker: str) -> None:
        """Forget ``broker``'s credentials, tokens and sync state (the ledger stays)."""
        await self._run(self._gateway.unlink, _known(broker))
        await self._run(self._store.remove_link, broker)
        self._changed()

    async def statuses(self) -> list[LinkStatus]:
        """Return every broker's status, linked ones first."""
        return await self._run(self.statuses_now)

    def statuses_now(self) -> list[LinkStatus]:
        """Return every broker's status (blocking: reads the database and the keyring)."""
        linked = set(self._gateway.linked())
        links = {link.broker: link for link in self._store.links()}
        accounts = self._store.accounts()
        found = []
        for broker in BrokerName:
            name = broker.value
            if name not in linked:
                found.append(LinkStatus(name, LinkState.UNLINKED))
                continue
            link = links.get(name)
            grant = self._gateway.grant(name)
            expires = None if grant is None else grant.refresh_expires_at()
            found.append(
                LinkStatus(
                    name,
                    LinkState.LINKED if link is None else link.state,
                    None if link is None else link.last_synced_at,
                    "" if link is None else link.detail,
                    tuple(a.number for a in accounts if a.broker == name),
                    expires,
                    self._warnings(name, expires),
                )
            )
        return sorted(found, key=lambda s: (s.state is LinkState.UNLINKED, s.broker))

    def warn_expiring(self) -> list[LinkStatus]:
        """Notify (once per login) about logins that die within a day; return those links."""
        expiring = [s for s in self.statuses_now() if s.warnings]
        for status in expiring:
            assert status.refresh_expires_at is not None
            key = (status.broker, status.refresh_expires_at)
            if key in self._warned or self.notifier is None:
                continue
            self._warned.add(key)
            self.notifier.notify(
                Notification(
                    f"{status.broker.title()} login expires soon",
                    f"{status.warnings[0]}. Log in again from Accounts → Link account.",
                    Severity.WARNING,
                    "sync",
                )
            )
        return expiring

    def _warnings(self, broker: str, expires: datetime | None) -> tuple[str, ...]:
        if expires is None:
            return ()
        left = expires - self._clock.now()
        if left <= timedelta(0):
            return (f"the {broker.title()} login expired on {expires:%Y-%m-%d %H:%M} UTC",)
        if left <= RELOGIN_WARNING:
            hours = int(left.total_seconds() // 3600)
            return (f"the {broker.title()} login expires in {hours} h",)
        return ()

    async def _linked(self, broker: str, accounts: list[BrokerAccount]) -> list[BrokerAccount]:
        now = self._clock.now()
        await self._run(self._store.put_accounts, accounts)
        await self._run(self._store.set_state, broker, LinkState.LINKED, now, "")
        self._changed()
        return accounts

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()


def _known(broker: str) -> str:
    try:
        return BrokerName(broker).value
    except ValueError:
        names = ", ".join(b.value for b in BrokerName)
        raise ValueError(f"unknown broker {broker!r}: choose one of {names}") from None
