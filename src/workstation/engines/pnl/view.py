"""Assemble the LedgerView: summary, periods, groupings, equity curve and trades.

Realized figures count closing matches whose New York closing date falls in
the period (``first``..``last``, either open-ended), under one convention,
net of fees. Unrealized figures are as of the marks given (now). A trade is a
winner when its lifetime realized P&L is positive once it is closed.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from workstation.domain.event_calendar import EASTERN
from workstation.domain.lots import Ledger, PnlConvention, Unrealized
from workstation.domain.pnl import (
    EquityPoint,
    GroupPnl,
    LedgerView,
    NetLiqBridge,
    PeriodPnl,
    PnlPeriod,
    PnlSummary,
    TradeRow,
    TradeStatus,
)
from workstation.domain.trade_groups import Classification
from workstation.domain.transactions import Transaction
from workstation.engines.pnl.trades import (
    SettledMatch,
    books_by_group,
    lot_row,
    settle,
    trade_rows,
)

ZERO = Decimal(0)
CONVENTION_TEXT = {
    PnlConvention.OPTION_SEPARATE: "option separate (an assigned option's result stands alone)",
    PnlConvention.PREMIUM_IN_BASIS: "premium in basis (an assigned option's premium is in the "
    "stock's cost)",
}
DEFAULT_DELTA_EDGES = (-50.0, -20.0, -5.0, 5.0, 20.0, 50.0)
UNGROUPED = "not in a strategy"


@dataclass(frozen=True, slots=True)
class ViewRequest:
    """What to show: the period (New York dates, inclusive), the convention, delta buckets."""

    as_of: datetime
    first: date | None = None
    last: date | None = None
    convention: PnlConvention = PnlConvention.OPTION_SEPARATE
    delta_edges: tuple[float, ...] = DEFAULT_DELTA_EDGES

    @property
    def is_bounded(self) -> bool:
        """True when the period has a first or a last day (else every day is covered)."""
        return self.first is not None or self.last is not None

    def covers(self, day: date) -> bool:
        """True when ``day`` is inside the period."""
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)


def build_view(
    request: ViewRequest,
    rows: Sequence[Transaction],
    ledger: Ledger,
    groups: Classification,
    open_value: Unrealized,
    entry_deltas: Mapping[str, float | None],
    netliq: NetLiqBridge | None = None,
    by_key: Mapping[str, Transaction] | None = None,
) -> LedgerView:
    """Return the whole P&L snapshot for ``request`` from the rebuilt ledger and groups.

    ``by_key`` is ``rows`` keyed by transaction key when the caller has it already.
    """
    settled = settle(ledger.matches, request.convention)
    books = books_by_group(groups, settled, ledger.lots, open_value.lots)
    trades = trade_rows(groups, books, entry_deltas)
    closes = [c for c in settled if request.covers(c.day)] if request.is_bounded else settled
    shown = [t for t in trades if _shown(t, request)]
    days = sorted(
        {c.day for c in closes} | {rows[0].trade_date, rows[-1].trade_date} if rows else set()
    )
    values = {id(v.lot): v for v in open_value.lots}
    owned = _owned(shown, closes, groups)
    buckets = _DeltaBuckets(request.delta_edges)
    return LedgerView(
        as_of=request.as_of,
        first=request.first or (days[0] if days else None),
        last=request.last or (days[-1] if days else None),
        accounts=tuple(sorted({row.account for row in rows})),
        summary=_summary(request, settled, closes, shown, open_value),
        periods=_periods(closes),
        by_underlying=_labelled(shown, owned, lambda t: t.underlying),
        by_strategy=_labelled(shown, owned, lambda t: t.kind),
        by_delta=_labelled(shown, owned, lambda t: buckets.label(t.entry_delta)),
        trades=tuple(sorted(shown, key=lambda t: t.opened_at, reverse=True)),
        open_lots=tuple(lot_row(lot, values.get(id(lot))) for lot in ledger.lots),
        equity_curve=_equity(closes),
        netliq=netliq,
        transactions=by_key if by_key is not None else {row.key: row for row in rows},
        problems=tuple(str(p) for p in ledger.problems)
        + tuple(f"override ignored: {s.key}: {s.reason}" for s in groups.stale_overrides),
    )


def _shown(trade: TradeRow, request: ViewRequest) -> bool:
    if trade.status is TradeStatus.OPEN:
        return True
    closed = trade.closed_at
    last_ok = request.last is None or _ny(trade.opened_at) <= request.last
    first_ok = request.first is None or (closed is not None and _ny(closed) >= request.first)
    return last_ok and first_ok


def _ny(moment: datetime) -> date:
    """Return the New York calendar date of ``moment`` (periods are New York dates)."""
    return moment.astimezone(EASTERN).date()


def delta_bucket(delta: float | None, edges: Sequence[float]) -> str:
    """Return the label of the entry-delta bucket ``delta`` (shares per unit) falls in."""
    return _DeltaBuckets(edges).label(delta)


class _DeltaBuckets:
    """Entry-delta buckets for one set of edges; the labels are written once, when first needed."""

    __slots__ = ("edges", "labels")

    def __init__(self, edges: Sequence[float]) -> None:
        self.edges = edges
        self.labels: list[str] | None = None

    def label(self, delta: float | None) -> str:
        """Return the label of the bucket ``delta`` (shares per unit) falls in."""
        if delta is None:
            return "unknown"
        edges, labels = self.edges, self.labels
        if labels is None:
            labels = [f"< {edges[0]:+g}"]
            labels += [f"{lo:+g} to {hi:+g}" for lo, hi in itertools.pairwise(edges)]
            labels.append(f">= {edges[-1]:+g}")
            self.labels = labels
        index = sum(1 for edge in edges if delta >= edge)
        return labels[index]


def _summary(
    request: ViewRequest,
    every_match: Sequence[_Close],
    closes: Sequence[_Close],
    trades: Sequence[TradeRow],
    open_value: Unrealized,
) -> PnlSummary:
    year = _ny(request.as_of).year
    bounded = request.is_bounded  # without a period every day is covered: no dates to work out
    closed = [
        t
        for t in trades
        if t.status is TradeStatus.CLOSED
        and t.closed_at
        and (not bounded or request.covers(_ny(t.closed_at)))
    ]
    wins = [t.realized for t in closed if t.realized > 0]
    losses = [t.realized for t in closed if t.realized < 0]
    return PnlSummary(
        realized=sum(map(_NET, closes), ZERO),
        realized_gross=sum(map(_GROSS, closes), ZERO),
        unrealized=open_value.net,
        fees=sum(map(_FEES, closes), ZERO) + open_value.fees,
        ytd_realized=sum((m.net for m in every_match if m.day.year == year), ZERO),
        closed_trades=len(closed),
        winners=len(wins),
        losers=len(losses),
        largest_win=max(wins, default=ZERO),
        largest_loss=min(losses, default=ZERO),
        average_win=sum(wins, ZERO) / len(wins) if wins else ZERO,
        average_loss=sum(losses, ZERO) / len(losses) if losses else ZERO,
        unmarked_positions=len(open_value.unmarked),
        convention=CONVENTION_TEXT[request.convention],
    )


# A closing match with its New York day and realized amounts worked out once.
_Close = SettledMatch
_NET, _GROSS, _FEES = attrgetter("net"), attrgetter("gross"), attrgetter("match.fees")


def _period_of(day: date, period: PnlPeriod) -> date:
    if period is PnlPeriod.DAY:
        return day
    if period is PnlPeriod.WEEK:
        return day - timedelta(days=day.weekday())
    if period is PnlPeriod.MONTH:
        return day.replace(day=1)
    return date(day.year, 1, 1)


class _PeriodTotal:
    """What one period's closes add up to so far (dollars), in the order of the closes."""

    __slots__ = ("closes", "fees", "gross", "net")

    def __init__(self) -> None:
        self.net = self.gross = self.fees = ZERO
        self.closes = 0


def _periods(closes: Sequence[_Close]) -> dict[PnlPeriod, tuple[PeriodPnl, ...]]:
    """Return realized P&L per day, week, month and year, in one pass over ``closes``.

    Each period's figures are added up in the order of ``closes``.
    """
    periods = tuple(PnlPeriod)
    starts: dict[date, tuple[date, ...]] = {}  # day -> its period starts, worked out once
    totals: tuple[dict[date, _PeriodTotal], ...] = tuple({} for _ in periods)
    for close in closes:
        day = close.day
        keys = starts.get(day)
        if keys is None:
            keys = starts[day] = tuple(_period_of(day, period) for period in periods)
        net, gross, fees = close.net, close.gross, close.match.fees
        for by_start, start in zip(totals, keys, strict=True):
            total = by_start.get(start)
            if total is None:
                total = by_start[start] = _PeriodTotal()
            total.net += net
            total.gross += gross
            total.fees += fees
            total.closes += 1
    return {
        period: tuple(
            PeriodPnl(start, total.net, total.gross, total.fees, total.closes)
            for start, total in sorted(by_start.items())
        )
        for period, by_start in zip(periods, totals, strict=True)
    }


def _grouped(
    trades: Sequence[TradeRow],
    closes: Sequence[_Close],
    groups: Classification,
    label_of: Callable[[TradeRow], str],
) -> tuple[GroupPnl, ...]:
    """Group realized (in period), unrealized and counts by ``label_of(trade)``.

    A close that belongs to no strategy (cash in lieu of a fractional share,
    say) is listed under UNGROUPED so the table still adds up to the summary.
    """
    return _labelled(trades, _owned(trades, closes, groups), label_of)


class _Owned(NamedTuple):
    """Realized P&L (net) and fees of the closes in period, by trade id or UNGROUPED (dollars)."""

    realized: defaultdict[str, Decimal]
    fees: defaultdict[str, Decimal]


def _owned(trades: Sequence[TradeRow], closes: Sequence[_Close], groups: Classification) -> _Owned:
    """Add up each close under the trade that owns it, once for every grouping of the view."""
    by_id = {t.id for t in trades}
    owned = _Owned(defaultdict(lambda: ZERO), defaultdict(lambda: ZERO))
    realized, fees = owned
    group_of = groups.group_of
    for close in closes:
        match = close.match
        owner = group_of.get(match.open_key) or group_of.get(match.close_key)
        key = owner if owner in by_id else UNGROUPED
        realized[key] += close.net
        fees[key] += match.fees
    return owned


def _labelled(
    trades: Sequence[TradeRow], owned: _Owned, label_of: Callable[[TradeRow], str]
) -> tuple[GroupPnl, ...]:
    """Return the trades' P&L grouped by ``label_of(trade)``, UNGROUPED closes last."""
    realized, fees = owned
    rows: dict[str, list[TradeRow]] = defaultdict(list)
    for trade in trades:
        rows[label_of(trade)].append(trade)
    table = [
        GroupPnl(
            label,
            sum((realized[t.id] for t in items), ZERO),
            sum((t.unrealized for t in items), ZERO),
            sum((fees[t.id] for t in items), ZERO),
            len(items),
            sum(1 for t in items if t.status is TradeStatus.CLOSED and t.realized > 0),
            sum(1 for t in items if t.status is TradeStatus.CLOSED and t.realized < 0),
        )
        for label, items in sorted(rows.items())
    ]
    if UNGROUPED in realized:
        table.append(GroupPnl(UNGROUPED, realized[UNGROUPED], ZERO, fees[UNGROUPED], 0, 0, 0))
    return tuple(table)


def _equity(closes: Sequence[_Close]) -> tuple[EquityPoint, ...]:
    daily: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for close in closes:
        daily[close.day] += close.net
    points, running = [], ZERO
    for day in sorted(daily):
        running += daily[day]
        points.append(EquityPoint(day, running))
    return tuple(points)
