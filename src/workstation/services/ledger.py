"""The ledger as the trader sees it: P&L views, strategy corrections, exports.

``view`` loads the accounts' transactions, rebuilds FIFO lots and closing
matches (engines/ledger), groups them into strategies and rolls
(engines/classify, with the trader's stored overrides), values open lots at
current marks and assembles the LedgerView (engines/pnl). The rebuild and
grouping are cached until the store or the overrides change, so reopening
the panel or asking ``/pnl`` again only refreshes marks.

The last full view is also saved in the workspace (``persist``,
storage/ledger_snapshots) with the version of every input it was computed
from. A cold open reads back the one saved for the same request (accounts,
buckets, convention, code). When the ledger, overrides, balances, bars and
day still match and the fresh marks are the ones it was valued at, it is the
current view (no rebuild at all); otherwise ``views`` yields it first,
labelled with what is being brought up to date, while the current one is
computed, so the panel never opens empty on a large ledger.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, replace
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
from workstation.storage.ledger_snapshots import (
    LedgerSnapshotStore,
    Saved,
    SavedInputs,
    SavedLedger,
)
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.storage.transactions import TransactionStore

UPDATING_MARKS = "updating marks"
RECOMPUTING = {  # why a saved view is out of date, by the input that changed (ledger first)
    "ledger": "transactions or corrections changed since, recomputing",
    "bars": "price history changed since, recomputing",
    "day": "recomputing for today",
}


@dataclass(frozen=True, slots=True)
class _Base:
    """What a view is built from, cached per (store revision, overrides version, account)."""

    rows: tuple[Transaction, ...]
    by_key: Mapping[str, Transaction]
    ledger: Ledger
    groups: Classification
    deltas: Mapping[str, float | None]
    version: str = ""  # of the ledger's rows and overrides, read before them
    bars: str = ""  # of the daily bars of ``symbols``, read before them
    symbols: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Unsaved:
    """A full view computed from ``base`` and ``marks`` that ``persist`` has not saved yet."""

    account: str | None
    edges: tuple[float, ...]
    base: _Base
    marks: Mapping[str, Decimal]
    view: LedgerView


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
        snapshots: LedgerSnapshotStore | None = None,
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
        self._snapshots = snapshots or LedgerSnapshotStore(store.database)
        self._unsaved: _Unsaved | None = None
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
        """Return the current P&L snapshot for ``account`` (all when None) over ``first``..``last``.

        ``delta_edges`` are the entry-delta bucket edges (shares per unit, increasing).
        """
        views = [
            view async for view, _ in self.views(account, first, last, delta_edges=delta_edges)
        ]
        return views[-1]  # the current one

    async def views(
        self,
        account: str | None = None,
        first: date | None = None,
        last: date | None = None,
        *,
        delta_edges: tuple[float, ...] | None = None,
    ) -> AsyncIterator[tuple[LedgerView, str]]:
        """Yield ``(view, pending)``: a saved view at once when it is out of date, then the current.

        ``pending`` is empty for the current view, else what is being brought
        up to date (``UPDATING_MARKS`` when only marks moved, or why the view
        is recomputed: ``RECOMPUTING``). A saved view is used for the whole
        history only (no ``first``/``last``) and only when computed for the
        same accounts, buckets, convention and code.
        """
        edges = delta_edges or DEFAULT_DELTA_EDGES
        whole = first is None and last is None
        saved = await self._run(self._saved, account, edges) if whole else None
        if saved is not None:
            view = replace(saved.ledger.view, transactions=self._store.by_key(account))
            if saved.changed:
                yield view, RECOMPUTING[saved.changed[0]]
            else:
                marks = await self._marks.marks(saved.ledger.lots)
                if _same_marks(marks, saved.ledger.marks):
                    yield replace(view, as_of=self._clock.now()), ""
                    return
                yield view, UPDATING_MARKS
        base = await self._run(self._base, account)
        now = await self._marks.marks(base.ledger.lots)
        view = await self._run(self._assemble, base, now, first, last, edges)
        if whole:
            self._unsaved = _Unsaved(account, edges, base, now, view)
        yield view, ""

    async def load_transactions(self, view: LedgerView) -> None:
        """Read a saved view's transactions off the loop (its drill-down reads them on first
        use, which on the GUI thread would freeze the window for the whole store)."""
        await self._run(lambda: next(iter(view.transactions), None))

    async def persist(self) -> None:
        """Save the last full view computed, so the next cold open can start from it."""
        pending, self._unsaved = self._unsaved, None
        if pending is not None:
            await self._run(self._save, pending)

    def base_now(self, account: str | None = None) -> _Base:
        """Return the rebuilt ledger and groups (blocking; cached)."""
        return self._base(account)

    def _base(self, account: str | None) -> _Base:
        version = self._snapshots.ledger_version()
        key = (version, self._overrides_version, account)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            with paused_gc():  # a million acyclic objects: the collector would walk them often
                base = self._rebuilt(account, version)
            self._cache = {key: base}
            return base

    def _rebuilt(self, account: str | None, version: str) -> _Base:
        """Read the rows and rebuild lots, matches, groups and entry deltas (blocking)."""
        rows = tuple(self._store.all(account))
        ledger = rebuild(rows)
        closes: dict[str, list[str]] = {}
        for match in ledger.matches:
            closes.setdefault(match.close_key, []).append(match.open_key)
        groups = classify(rows, closes, self._overrides.load())
        by_key = {r.key: r for r in rows}
        symbols = tuple(sorted({r.underlying for r in rows if r.is_option and r.underlying}))
        bars = self._snapshots.bars_version(symbols)
        deltas = entry_deltas(groups, by_key, self._spot_lookup(symbols), self._rate)
        return _Base(rows, by_key, ledger, groups, deltas, version, bars, symbols)

    # ------------------------------------------------------------ saved views
    def _request(self, account: str | None, edges: tuple[float, ...]) -> str:
        """Return the request part of a saved view's inputs (everything not in the store)."""
        return f"{_code_version()}|{account or '*'}|{self.convention}|{edges}|{self._rate}"

    def _saved(self, account: str | None, edges: tuple[float, ...]) -> Saved | None:
        today = self._clock.now().astimezone(EASTERN).date()
        with paused_gc():
            return self._snapshots.saved(
                account or "*", self._request(account, edges), today.isoformat()
            )

    def _save(self, pending: _Unsaved) -> None:
        base, view = pending.base, pending.view
        day = view.as_of.astimezone(EASTERN).date()
        request = self._request(pending.account, pending.edges)
        inputs = SavedInputs(request, base.version, base.bars, day.isoformat())
        saved = SavedLedger(view, tuple(base.ledger.lots), pending.marks)
        self._snapshots.save(pending.account or "*", inputs, base.symbols, saved, view.as_of)

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
        rows, matches = base.rows, base.ledger.matches
        if not _spans(base, first, last):  # a period: keep what falls in it
            rows = tuple(r for r in rows if first <= r.trade_date <= last)
            matches = tuple(
                m for m in matches if first <= m.closed_at.astimezone(EASTERN).date() <= last
            )
        start = None
        if first > base.rows[0].trade_date:
            before = rebuild([r for r in base.rows if r.trade_date < first])
            start = unrealized(before.lots, self._closes_on(before.lots, first - timedelta(days=1)),
                               convention=self.convention)  # fmt: skip
        broker = self._broker_netliq(base.rows, first, last)
        return netliq_bridge(first, last, rows, matches, start, end_value, self.convention, broker)

    # ------------------------------------------------------------ marks and prices
    def _spot_lookup(self, underlyings: Sequence[str]) -> SpotOn:
        """Return spot_on(underlying, day): that session's close from stored daily bars."""
        closes: dict[str, dict[date, float]] = {}
        for underlying in underlyings:
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


def _spans(base: _Base, first: date, last: date) -> bool:
    """True when every row and closing match of ``base`` falls in ``first``..``last``.

    Rows are in ledger order, so the first and last rows bound them all; a
    match closes on a row's date.
    """
    rows = base.rows
    return first <= rows[0].trade_date and rows[-1].trade_date <= last


def _same_marks(fresh: Mapping[str, Decimal], saved: Mapping[str, Decimal]) -> bool:
    """True when ``fresh`` marks are exactly the saved ones (same symbols, same digits)."""
    return len(fresh) == len(saved) and all(
        str(mark) == str(saved.get(symbol)) for symbol, mark in fresh.items()
    )


@functools.cache
def _code_version() -> str:
    """Return a fingerprint of the code that computes views (a saved view from other code is stale).

    The package version plus the size and modification time of the modules
    the numbers come from, so a changed engine never serves an old result.
    """
    from importlib import import_module

    import workstation

    parts = [workstation.__version__]
    for name in (
        "workstation.engines.ledger", "workstation.engines.classify", "workstation.engines.pnl",
        "workstation.domain.lots", "workstation.domain.pnl", "workstation.domain.transactions",
        "workstation.domain.trade_groups", "workstation.services.ledger",
    ):  # fmt: skip
        origin = import_module(name).__file__
        folder = Path(origin or ".")
        files = sorted(folder.parent.glob("*.py")) if folder.name == "__init__.py" else [folder]
        for file in files:
            try:
                stat = file.stat()
            except OSError:  # a frozen build keeps no sources: its version says it all
                continue
            parts.append(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
