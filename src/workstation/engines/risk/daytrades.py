"""Legacy pattern-day-trader counting from broker fills (pure; sessions passed in).

How a fill opens or closes is decided in :mod:`.daytrade_fills`; this module
groups the same-session closes into day trades by the chosen
:class:`DayTradeMethod`, dates their drop-off from the rolling window and
sums an account's standing as of a session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from workstation.domain.daytrades import DayTrade, DayTradeMethod, DayTradeStatus
from workstation.domain.transactions import ZERO, Transaction, ledger_order
from workstation.engines.risk.daytrade_fills import Fill, session_fills
from workstation.engines.risk.daytrade_sessions import SessionList

Part = list[Fill]


def find_day_trades(
    rows: Sequence[Transaction],
    sessions: Sequence[date],
    method: DayTradeMethod = DayTradeMethod.PAIRS,
    *,
    legs_of_one_order_count_once: bool = False,
) -> list[DayTrade]:
    """Return every day trade in ``rows`` (any number of accounts), oldest first.

    ``sessions`` are ascending exchange dates (``xnys().sessions(...)``); they
    must cover every fill from the first session on, and reach at least 5
    sessions past the last day trade so its drop-off date is known. Rows
    before the first session only set the position held going in. Only
    TRADE rows buy or sell: assignments, exercises, expirations and cash
    settlements are not trades the customer placed and never make a day
    trade (they do move the position). Each option series is its own
    security, so a 2-leg spread opened and closed in one session is 2 day
    trades; with ``legs_of_one_order_count_once`` all legs closed by one
    order count once, as some brokers count. Raises ValueError naming the
    row when a fill falls on a date that is not a session.
    """
    calendar = SessionList(sessions)
    fills = session_fills(rows, calendar)
    return day_trades_of(fills, calendar, method, legs_of_one_order_count_once)


def day_trades_of(
    fills: Sequence[Fill], calendar: SessionList, method: DayTradeMethod, legs_once: bool
) -> list[DayTrade]:
    """Return the day trades that split fills make under ``method``, oldest first."""
    parts = _pairs(fills) if method is DayTradeMethod.PAIRS else _direction_runs(fills)
    if legs_once:
        parts = _legs_counted_once(parts)
    trades = [_day_trade(part, calendar) for part in parts]
    return sorted(trades, key=lambda t: (t.session, t.closed_at, t.account, t.close_keys))


def _pairs(fills: Iterable[Fill]) -> list[Part]:
    # One day trade per closing transaction (partial fills of an order are one).
    parts: dict[tuple[str, date, tuple[str, str, bool]], Part] = {}
    for fill in fills:
        if fill.closed_today:
            parts.setdefault((fill.row.account, fill.session, fill.transaction), []).append(fill)
    return list(parts.values())


def _direction_runs(fills: Iterable[Fill]) -> list[Part]:
    # Per security and session: a same-session close after an opening starts a
    # day trade; further closes before the next opening belong to it.
    parts: list[Part] = []
    current: dict[tuple[str, str, date], Part] = {}
    armed: set[tuple[str, str, date]] = set()
    for fill in fills:
        where = (fill.row.account, fill.row.symbol, fill.session)
        if fill.closed_today:
            if where in armed or where not in current:
                current[where] = []
                parts.append(current[where])
            current[where].append(fill)
            armed.discard(where)
        if fill.opened:
            armed.add(where)
    return parts


def _legs_counted_once(parts: list[Part]) -> list[Part]:
    # Parts of one account and session that share a closing order are one day trade.
    by_day: dict[tuple[str, date], list[tuple[set[str], Part]]] = {}
    for part in parts:
        groups = by_day.setdefault((part[0].row.account, part[0].session), [])
        orders, merged = {fill.order for fill in part}, list(part)
        kept = []
        for group_orders, group in groups:
            if group_orders & orders:
                orders |= group_orders
                merged = group + merged
            else:
                kept.append((group_orders, group))
        groups[:] = [*kept, (orders, merged)]
    return [
        sorted(part, key=lambda f: ledger_order(f.row)) for g in by_day.values() for _, part in g
    ]


def _day_trade(part: Part, calendar: SessionList) -> DayTrade:
    first = part[0]
    symbols = tuple(dict.fromkeys(fill.row.symbol for fill in part))
    per_symbol = {
        symbol: sum((f.closed_today for f in part if f.row.symbol == symbol), ZERO)
        for symbol in symbols
    }
    opens = [pair for fill in part for pair in fill.opened_by]
    orders = [order for _, order in opens] + [fill.row.order_id for fill in part]
    return DayTrade(
        account=first.row.account,
        symbol=first.row.symbol,
        symbols=symbols,
        underlying=_underlying(first.row),
        session=first.session,
        quantity=max(per_symbol.values()),
        open_keys=tuple(dict.fromkeys(key for key, _ in opens)),
        close_keys=tuple(fill.row.key for fill in part),
        order_ids=tuple(dict.fromkeys(order for order in orders if order)),
        closed_at=first.row.executed_at,
        drops_off=calendar.drops_off(first.session),
    )


def _underlying(row: Transaction) -> str:
    if row.underlying:
        return row.underlying
    occ = row.occ
    return occ.root if occ is not None else row.symbol.strip()


def day_trade_status(
    rows: Sequence[Transaction],
    sessions: Sequence[date],
    as_of: date,
    method: DayTradeMethod = DayTradeMethod.PAIRS,
    *,
    equity: Decimal | None = None,
    account: str | None = None,
    legs_of_one_order_count_once: bool = False,
) -> DayTradeStatus:
    """Return one account's day-trade standing in the 5-session window ending at ``as_of``.

    ``as_of`` should be a session; a weekend or holiday uses the session
    before it (the window still in force). ``sessions`` must include the 4
    sessions before ``as_of`` and, for drop-off dates, 5 sessions past the
    last day trade (pass future sessions: the exchange calendar has them).
    ``account`` picks the account when ``rows`` hold several; without it the
    rows must belong to one. ``equity`` is the account's equity in dollars,
    when known. Trades in the window (for the 6% test) are counted in the
    same unit as day trades: one per transaction (an order's fills in one
    security and direction), or one per order when legs count once.
    """
    chosen = _account_of(rows, account)
    calendar = SessionList(sessions)
    window = calendar.window(as_of)
    fills = session_fills((row for row in rows if row.account == chosen), calendar)
    history = tuple(day_trades_of(fills, calendar, method, legs_of_one_order_count_once))
    return DayTradeStatus(
        account=chosen,
        as_of=window[-1],
        method=method,
        legs_of_one_order_count_once=legs_of_one_order_count_once,
        window=window,
        day_trades=tuple(t for t in history if window[0] <= t.session <= window[-1]),
        trades_in_window=_trades_in(fills, window, legs_of_one_order_count_once),
        equity=equity,
        history=history,
    )


def _account_of(rows: Sequence[Transaction], account: str | None) -> str:
    if account is not None:
        return account
    accounts = sorted({row.account for row in rows})
    if len(accounts) != 1:
        found = ", ".join(accounts) or "none"
        raise ValueError(f"rows hold accounts {found}; pass account= to choose one")
    return accounts[0]


def _trades_in(fills: Iterable[Fill], window: tuple[date, ...], legs_once: bool) -> int:
    first, last = window[0], window[-1]
    seen: set[tuple[str, date, object]] = set()
    for fill in fills:
        if first <= fill.session <= last:
            what = fill.order if legs_once else fill.transaction
            seen.add((fill.row.account, fill.session, what))
    return len(seen)
