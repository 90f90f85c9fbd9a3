"""Alert rules and the playbook: keep them, evaluate them, raise what fires.

Structure events (from the structure tracker) and quotes (from the tick
stream) are checked against the trader's alert rules by the pure playbook
engine; cooldowns, mutes and already-raised conditions hold candidates back;
the rest become ``Alert`` values (with the event, the bar, the level and the
playbook's suggested setups in their context) handed to ``AlertService``,
which stores each condition once and notifies. SQLite work runs through the
BlockingRunner, never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from workstation.domain.alerts import Alert
from workstation.domain.notifications import Severity
from workstation.domain.playbook import AlertRule, MarketContext, PlaybookError, PlaybookRule
from workstation.engines.playbook import (
    AlertCandidate,
    admit,
    check_playbook,
    quote_candidates,
    structure_candidates,
)
from workstation.ports.clock import Clock
from workstation.services.alerts import AlertService
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.storage.alert_rules import AlertRuleStore

log = logging.getLogger(__name__)

T = TypeVar("T")

RULES_REFRESH = timedelta(seconds=60)  # re-read rules changed by another process this often


class AlertRuleService:
    """The trader's alert rules and playbook, evaluated on structure events and quotes."""

    def __init__(
        self,
        store: AlertRuleStore,
        alerts: AlertService,
        clock: Clock,
        run: BlockingRunner = run_in_thread,
        default_playbook: Sequence[PlaybookRule] = (),
    ) -> None:
        self._store = store
        self._alerts = alerts
        self._clock = clock
        self._run = run
        self._defaults = tuple(default_playbook)
        self._playbook: tuple[PlaybookRule, ...] | None = None
        self._rules: list[AlertRule] | None = None
        self._rules_read_at: datetime | None = None
        self._last_seen: dict[str, MarketContext] = {}
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------ rules
    async def add(self, rule: AlertRule) -> AlertRule:
        """Store a new rule; return it with its id."""
        stored = await self._run(self._store.add, rule, self._clock.now())
        self._forget_rules()
        return stored

    async def rules(self, symbol: str | None = None) -> list[AlertRule]:
        """Return every rule by id, or those watching ``symbol`` (``*`` rules included)."""
        return await self._run(self._store.rules, symbol)

    async def get(self, rule_id: int) -> AlertRule | None:
        """Return rule ``rule_id``, or None."""
        return await self._run(self._store.get, rule_id)

    async def update(self, rule: AlertRule) -> bool:
        """Replace stored rule ``rule.id``; return False when it does not exist."""
        return await self._changed(self._store.update, rule)

    async def delete(self, rule_id: int) -> bool:
        """Delete rule ``rule_id``; return False when it does not exist."""
        return await self._changed(self._store.delete, rule_id)

    async def mute(self, rule_id: int, until: datetime) -> bool:
        """Silence rule ``rule_id`` until ``until``; return False when it does not exist."""
        return await self._changed(self._store.mute, rule_id, until)

    async def unmute(self, rule_id: int) -> bool:
        """Let rule ``rule_id`` fire again; return False when it does not exist."""
        return await self._changed(self._store.unmute, rule_id)

    async def mute_symbol(self, symbol: str, until: datetime) -> None:
        """Silence every rule for ``symbol`` (``*`` rules included) until ``until``."""
        await self._run(self._store.mute_symbol, symbol, until)

    async def unmute_symbol(self, symbol: str) -> int:
        """Lift the mutes on ``symbol`` and its own rules; return how many were lifted."""
        return await self._changed(self._store.unmute_symbol, symbol)

    async def symbol_mutes(self) -> dict[str, datetime]:
        """Return muted tickers with the instant each mute ends (past ones included)."""
        return await self._run(self._store.symbol_mutes)

    async def _changed(self, change: Callable[..., T], *args: Any) -> T:
        result = await self._run(change, *args)
        self._forget_rules()
        return result

    def _forget_rules(self) -> None:
        self._rules = None

    # ------------------------------------------------------------ playbook
    async def playbook(self) -> tuple[PlaybookRule, ...]:
        """Return the workspace's playbook; the first call seeds it from the shipped defaults."""
        if self._playbook is None:
            stored = await self._run(self._store.playbook)
            if not stored and self._defaults:
                await self._run(self._store.replace_playbook, self._defaults, self._clock.now())
                stored = self._defaults
            self._playbook = stored
        return self._playbook

    async def replace_playbook(self, rules: Sequence[PlaybookRule]) -> tuple[PlaybookRule, ...]:
        """Replace the playbook with ``rules``; raise PlaybookError (empty, repeated names)."""
        chosen = tuple(rules)
        check_playbook(chosen)
        await self._run(self._store.replace_playbook, chosen, self._clock.now())
        self._playbook = chosen
        return chosen

    async def reset_playbook(self) -> tuple[PlaybookRule, ...]:
        """Replace the playbook with the shipped defaults."""
        if not self._defaults:
            raise PlaybookError("no shipped playbook to reset to")
        return await self.replace_playbook(self._defaults)

    # ------------------------------------------------------------ evaluation
    async def evaluate_structure(
        self,
        symbol: str,
        events: Iterable[Any],
        context: MarketContext,
        bar_times: Sequence[int] | Any,
        timeframe: str = "1m",
    ) -> list[Alert]:
        """Raise the alerts structure ``events`` of ``symbol`` fire; return those raised.

        ``events`` are EVENT_DTYPE records (new ones, from the tracker);
        ``bar_times[i]`` is the open time (epoch seconds) of bar ``i`` of the
        ``timeframe`` chart (stored with the alert so it opens that chart).
        """
        context = _for(symbol, context)
        async with self._lock:
            rules = await self._watching(symbol)
            if not rules:
                return []
            playbook = await self.playbook()
            found = structure_candidates(rules, events, bar_times, context, playbook, timeframe)
            return await self._fire(symbol, found, rules)

    async def evaluate_quote(
        self, symbol: str, price: float, context: MarketContext | None = None
    ) -> list[Alert]:
        """Raise the alerts a new quote of ``symbol`` at ``price`` fires; return those raised.

        Crossings compare with the last quote this service saw for the ticker
        (the first quote after a start only sets that reference).
        """
        current = MarketContext(symbol, price) if context is None else replace(context, price=price)
        current = _for(symbol, current)
        async with self._lock:
            previous = self._last_seen.get(symbol)
            self._last_seen[symbol] = current
            rules = await self._watching(symbol)
            if previous is None or not rules:
                return []
            found = quote_candidates(rules, previous, current, self._clock.now())
            return await self._fire(symbol, found, rules)

    async def _watching(self, symbol: str) -> list[AlertRule]:
        now = self._clock.now()
        stale = self._rules_read_at is None or now - self._rules_read_at >= RULES_REFRESH
        if self._rules is None or stale:
            self._rules = await self._run(self._store.rules, None)
            self._rules_read_at = now
        return [rule for rule in self._rules if rule.applies_to(symbol)]

    async def _fire(
        self, symbol: str, found: list[AlertCandidate], rules: list[AlertRule]
    ) -> list[Alert]:
        if not found:
            return []
        now = self._clock.now()
        keys = [candidate.condition_key for candidate in found]
        state = await self._run(self._store.firing_state, symbol, keys)
        admission = admit(found, {rule.id: rule for rule in rules}, state, now)
        for candidate, why in admission.suppressed:
            log.debug("alert %s held back: %s", candidate.condition_key, why)
        raised = await self._alerts.raise_all([to_alert(c, now) for c in admission.admitted])
        keys_raised = {alert.condition_key for alert in raised}
        fired = [
            (c.rule_id, c.symbol, c.at)
            for c in admission.admitted
            if c.condition_key in keys_raised
        ]
        await self._run(self._store.record_fires, fired)
        return raised


def _for(symbol: str, context: MarketContext) -> MarketContext:
    if context.symbol != symbol:
        raise PlaybookError(f"market context is for {context.symbol}, not {symbol}")
    return context


def to_alert(candidate: AlertCandidate, fired_at: datetime) -> Alert:
    """The Alert a candidate raises, fired at ``fired_at``."""
    return Alert(
        condition_key=candidate.condition_key,
        source=candidate.source,
        title=candidate.title,
        body=candidate.body,
        fired_at=fired_at,
        severity=Severity.ALERT,
        symbol=candidate.symbol,
        context=dict(candidate.context),
    )
