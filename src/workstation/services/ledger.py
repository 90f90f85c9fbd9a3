"""The ledger as the trader sees it: P&L views, strategy corrections, exports.

``view`` loads the accounts' transactions, rebuilds FIFO lots and closing
matches (engines/ledger), groups them into strategies and rolls
(engines/classify, with the trader's stored overrides), values open lots at
current marks and assembles the LedgerView (engines/pnl). The rebuild and
grouping are cached until the store or the overrides change, so reopening
the panel or asking ``/pnl`` again only refreshes marks.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from workstation.domain.bars import Timeframe
from workstation.domain.event_calendar import EASTERN
from workstation.domain.lots import Ledger, Lot, PnlConvention, Unrealized
from workstation.domain.pnl import LedgerView, NetLiqBridge
from workstation.domain.trade_groups import Classification
from workstation.domain.transactions import Transaction
from workstation.engines.classify import classify
from workstation.engines.ledger import rebuild, unrealized
from workstation.engines.pnl.entry_delta import SpotOn, entry_deltas
from workstation.engines.pnl.netliq import netliq_bridge
from workstation.engines.pnl.view import DEFAULT_DELTA_EDGES, ViewRequest, build_view
from workstation.ports.clock import Clock
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.services.ledger_import import paused_gc
from workstation.services.ledger_marks import MarkSource
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.bars import BarStore
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.storage.transactions import TransactionStore


@dataclass(frozen=True, slots=True)
class _Base:
    """What a view is built from, cached per (store revision, overrides version, account)."""

    rows: tuple[Transaction, ...]
    by_key: Mapping[str, Transaction]
    ledger: Ledger
    groups: Classification
    deltas: Mapping[str, float | None]


class LedgerService:
    """P&L views over the stored transactions, and the trader's strategy corrections."""

    def __init__(
        self,
        store: TransactionStore,
        overrides: StrategyOverrideStore,
        balances: BalanceSnapshotStore,
        bars: BarStore,
        marks: MarkSource,
        clock: Clock,
        run: BlockingRunner = run_in_thread,
        rate: float = 0.04,
    ) -> None:
        self._store = store
        self._overrides = overrides
        self._balances = balances
        self._bars = bars
        self._marks = marks
        self._clock = clock
        self._run = run
        self._rate = rate
        self._lock = threading.Lock()
        self._cache: dict[tuple[object, ...], _Base] = {}
        self._overrides_version = 0
        self.convention = PnlConvention.OPTION_SEPARATE

    # ------------------------------------------------------------ views
    async def view(
        self,
        account: str | None = None,
        first: date | None = None,
        last: date | None = None,
        *,
        delta_edges: tuple[float, ...] | None = None,
    ) -> LedgerView:
        """Return the P&L snapshot for ``account`` (all when None) over ``first``..``last``.

        ``delta_edges`` are the entry-delta bucket edges (shares per unit, increasing).
        """
        base = await self._run(self._base, account)
        now = await self._marks.marks(base.ledger.lots)
        edges = delta_edges or DEFAULT_DELTA_EDGES
        return await self._run(self._assemble, base, now, first, last, edges)

    def base_now(self, account: str | None = None) -> _Base:
        """Return the rebuilt ledger and groups (blocking; cached)."""
        return self._base(account)

    def _base(self, account: str | None) -> _Base:
        key = (self._store.revision(), self._overrides_version, account)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            with paused_gc():
                rows = tuple(self._store.all(account))
                ledger = rebuild(rows)
            closes: dict[str, list[str]] = {}
            for match in ledger.matches:
                closes.setdefault(match.close_key, []).append(match.open_key)
            groups = classify(rows, closes, self._overrides.load())
            by_key = {r.key: r for r in rows}
            deltas = entry_deltas(groups, by_key, self._spot_lookup(rows), self._rate)
            base = _Base(rows, by_key, ledger, groups, deltas)
            self._cache = {key: base}
            return base

    def _assemble(
        self,
        base: _Base,
        marks: Mapping[str, Decimal],
        first: date | None,
        last: date | None,
        edges: tuple[float, ...] = DEFAULT_DELTA_EDGES,
    ) -> LedgerView:
        request = ViewRequest(self._clock.now(), first, last, self.convention, edges)
        with paused_gc():
            return self._build(base, request, marks)

    def _build(self, base: _Base, request: ViewRequest, marks: Mapping[str, Decimal]) -> LedgerView:
        open_value = unrealized(base.ledger.lots, marks, convention=self.convention)
        bridge = self._bridge(base, request, open_value)
        return build_view(
            request,
            base.rows,
            base.ledger,
            base.groups,
            open_value,
            base.deltas,
            bridge,
            base.by_key,
        )

    def _bridge(
        self, base: _Base, request: ViewRequest, end_value: Unrealized
    ) -> NetLiqBridge | None:
        if not base.rows:
            return None
        first = request.first or base.rows[0].trade_date
        last = request.last or request.as_of.astimezone(EASTERN).date()
        rows = [r for r in base.rows if first <= r.trade_date <= last]
        matches = [
            m for m in base.ledger.matches
            if first <= m.closed_at.astimezone(EASTERN).date() <= last
        ]  # fmt: skip
        start = None
        if first > base.rows[0].trade_date:
            before = rebuild([r for r in base.rows if r.trade_date < first])
            start = unrealized(before.lots, self._closes_on(before.lots, first - timedelta(days=1)),
                               convention=self.convention)  # fmt: skip
        broker = self._broker_netliq(base.rows, first, last)
        return netliq_bridge(first, last, rows, matches, start, end_value, self.convention, broker)

    # ------------------------------------------------------------ marks and prices
    def _spot_lookup(self, rows: Sequence[Transaction]) -> SpotOn:
        """Return spot_on(underlying, day): that session's close from stored daily bars."""
        closes: dict[str, dict[date, float]] = {}
        for underlying in {r.underlying for r in rows if r.is_option and r.underlying}:
            bars = self._bars.read(underlying, Timeframe.D1)
            closes[underlying] = {
                datetime.fromtimestamp(int(ts), EASTERN).date(): float(close)
                for ts, close in zip(bars["ts"], bars["close"], strict=True)
            }

        def spot_on(underlying: str, day: date) -> float | None:
            return closes.get(underlying, {}).get(day)

        return spot_on

    def _closes_on(self, lots: Sequence[Lot], day: date) -> dict[str, Decimal]:
        """Return stored daily closes on or before ``day`` for stock lots (options have none)."""
        marks: dict[str, Decimal] = {}
        end = int(datetime.combine(day + timedelta(days=1), time(), EASTERN).timestamp())
        for symbol in {
            lot.symbol for lot in lots if lot.instrument and not lot.instrument.is_option
        }:
            bars = self._bars.read(symbol, Timeframe.D1, end - 10 * 86400, end)
            if len(bars):
                marks[symbol] = Decimal(str(round(float(bars["close"][-1]), 4)))
        return marks

    def _broker_netliq(
        self, rows: Sequence[Transaction], first: date, last: date
    ) -> tuple[Decimal | None, Decimal | None]:
        accounts = sorted({r.account for r in rows})
        if len(accounts) != 1:
            return None, None
        snaps = self._balances.between(accounts[0], first - timedelta(days=7), last)
        if not snaps:
            return None, None
        before = [s for s in snaps if s.day < first]
        opened = first <= rows[0].trade_date  # the period starts when the account did
        start = before[-1].net_liquidating_value if before else (Decimal(0) if opened else None)
        return start, snaps[-1].net_liquidating_value

    # ------------------------------------------------------------ corrections
    async def merge(self, target_id: str, group_ids: Sequence[str]) -> None:
        """Move every opening leg of ``group_ids`` into strategy ``target_id``."""
        base = await self._run(self._base, None)
        legs = [
            key
            for group in base.groups.groups
            if group.id in set(group_ids) and group.id != target_id
            for key in group.opening_keys
        ]
        for key in legs:
            await self._run(self._overrides.regroup, key, target_id)
        self._overrides_version += 1

    async def rename(self, group_id: str, name: str) -> None:
        """Rename a strategy (an empty name restores the automatic one)."""
        await self._run(self._overrides.rename, group_id, name)
        self._overrides_version += 1

    async def set_tags(self, group_id: str, tags: tuple[str, ...]) -> None:
        """Replace a strategy's tags."""
        await self._run(self._overrides.set_tags, group_id, tags)
        self._overrides_version += 1

    # ------------------------------------------------------------ exports
    async def export(self, view: LedgerView, what: str, path: Path) -> Path:
        """Write ``what`` (transactions, trades, lots, pnl-<grouping>, statement) to ``path``."""
        return await self._run(self.export_now, view, what, path)

    def export_now(self, view: LedgerView, what: str, path: Path) -> Path:
        """Write an export (blocking); see ``export``."""
        from workstation.reports.ledger import (
            write_closed_trades_csv,
            write_open_lots_csv,
            write_pnl_by_csv,
            write_pnl_statement,
            write_transactions_csv,
        )

        if what == "statement":
            write_pnl_statement(view, path)
        elif what == "transactions":
            write_transactions_csv(view.transactions.values(), path)
        elif what == "trades":
            write_closed_trades_csv(view, path)
        elif what == "lots":
            write_open_lots_csv(view, path)
        elif what.startswith("pnl-"):
            write_pnl_by_csv(view, what.removeprefix("pnl-"), path)  # type: ignore[arg-type]
        else:
            raise ValueError(
                f"unknown export {what!r}: transactions, trades, lots, pnl-<by>, statement"
            )
        return path
