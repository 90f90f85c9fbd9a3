"""Market commands: /quote, /em, /market."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandSpec
from workstation.commands.result import CommandResult, Table

if TYPE_CHECKING:
    from workstation.services.chain_view import ExpiryView
    from workstation.services.expected_move import ExpectedMoveReport

NEW_YORK = ZoneInfo("America/New_York")


def _price(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.2f}"


async def run_quote(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Show fresh quotes for one or more symbols."""
    quotes = await ctx.market.refresh(values["symbols"])
    rows = tuple(
        (
            q.symbol,
            _price(q.last),
            f"{q.change:+,.2f}",
            f"{q.change_pct:+.2f}%",
            _price(q.bid),
            _price(q.ask),
            q.ts.astimezone(NEW_YORK).strftime("%H:%M:%S"),
        )
        for q in quotes
    )
    table = Table(("Symbol", "Last $", "Chg $", "Chg %", "Bid $", "Ask $", "Time ET"), rows)
    data = {
        "quotes": [
            {
                "symbol": q.symbol,
                "last": q.last,
                "prev_close": q.prev_close,
                "change": q.change,
                "change_pct": q.change_pct,
                "bid": None if math.isnan(q.bid) else q.bid,
                "ask": None if math.isnan(q.ask) else q.ask,
                "volume": q.volume,
                "time": q.ts,
                "source": q.source,
            }
            for q in quotes
        ]
    }
    return CommandResult(f"Quotes ({ctx.market.provider_name})", table=table, data=data)


def _maybe(value: float, fmt: str) -> str:
    return "—" if value is None or math.isnan(value) else format(value, fmt)


async def run_expected_move(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Expected move over a horizon with IV rank, regime and the straddle's view."""
    report = await ctx.expected_moves.expected_move(values["symbol"], values["days"])
    stats, regime = report.iv_stats, report.regime
    rank = (
        f"IV rank {_maybe(stats.rank, '.0f')}, IV percentile {_maybe(stats.percentile, '.0f')}"
        f" over {stats.observations} sessions ({stats.window_start} to {stats.window_end})"
        if stats is not None
        else "IV rank — (no IV history yet)"
    )
    lines = [
        f"Spot {report.spot:,.2f} · ATM IV {report.iv:.1%} at {report.days} days "
        f"(constant maturity) · {report.model}",
        f"{rank} · regime {regime.regime.value if regime else '—'}"
        + (f" ({regime.reason})" if regime else ""),
        f"1σ move ±{report.calendar.move:,.2f} = S·IV·√({report.days}/365) → "
        f"{report.calendar.low_1sd:,.2f} – {report.calendar.high_1sd:,.2f} "
        f"(2σ {report.calendar.low_2sd:,.2f} – {report.calendar.high_2sd:,.2f})",
        f"Trading-day convention ±{report.trading.move:,.2f} = S·IV·√({report.sessions}/252) "
        f"→ {report.trading.low_1sd:,.2f} – {report.trading.high_1sd:,.2f}",
    ]
    if report.expiry is not None:
        lines.append(
            f"Straddle {report.expiry:%a %d %b} ({report.expiry_days:.1f}d) "
            f"{_maybe(report.straddle_strike, 'g')}: {_maybe(report.straddle, ',.2f')} raw, "
            f"0.85× = ±{_maybe(report.straddle_085, ',.2f')} (platform convention)"
        )
    return CommandResult(
        f"Expected move {report.symbol} {report.days}d", tuple(lines), data=_em_data(report)
    )


def _em_data(report: ExpectedMoveReport) -> dict[str, Any]:
    stats, regime = report.iv_stats, report.regime
    return {
        "symbol": report.symbol,
        "as_of": report.as_of,
        "spot": report.spot,
        "days": report.days,
        "sessions": report.sessions,
        "iv": report.iv,
        "model": report.model,
        "source": report.source,
        "expected_move": report.calendar.move,
        "calendar": asdict(report.calendar),
        "trading": asdict(report.trading),
        "straddle": {
            "expiry": report.expiry,
            "days": report.expiry_days,
            "strike": report.straddle_strike,
            "price": report.straddle,
            "move_0_85": report.straddle_085,
        },
        "iv_rank": None if stats is None else stats.rank,
        "iv_percentile": None if stats is None else stats.percentile,
        "iv_window": None
        if stats is None
        else {"start": stats.window_start, "end": stats.window_end, "sessions": stats.observations},
        "regime": None if regime is None else regime.regime.value,
    }


async def run_chain(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """The option chain of one expiration around the money (opens the chain panel)."""
    view = await ctx.chains.chain_view(values["symbol"])
    days = values["days"]
    expiry = (
        view.first_expiry_after(days)
        if days is not None
        else (view.expiries[0] if view.expiries else None)
    )
    if expiry is not None and not expiry.detailed:  # analyse the chosen expiration in detail
        view = await ctx.chains.chain_view(values["symbol"], expiry.expiry)
        expiry = view.expiry(expiry.expiry)
    if expiry is None:
        return CommandResult(
            f"{view.underlying}: no expirations listed",
            data={"open_panel": "chains", "symbol": view.underlying},
        )
    rows = _chain_rows(expiry, CHAIN_ROWS_EACH_SIDE)
    table = Table(
        (
            "Call bid",
            "Call ask",
            "Call IV",
            "Call Δ",
            "Strike",
            "Put bid",
            "Put ask",
            "Put IV",
            "Put Δ",
        ),
        rows,
    )
    lines = (
        f"{expiry.label} · forward {expiry.forward:,.2f} · ATM IV {expiry.atm_iv:.1%} · "
        f"EM ±{expiry.moves.iv_move:,.2f} · {view.model}",
    )
    data = {
        "open_panel": "chains",
        "symbol": view.underlying,
        "expiry": expiry.expiry,
        "spot": view.spot,
        "model": view.model,
        "strikes": [
            {
                "strike": float(k),
                "call_iv": _float(expiry.calls.iv[i]),
                "put_iv": _float(expiry.puts.iv[i]),
                "call_delta": _float(expiry.calls.delta[i]),
                "put_delta": _float(expiry.puts.delta[i]),
            }
            for i, k in enumerate(expiry.strikes)
        ],
    }
    return CommandResult(f"{view.underlying} chain {expiry.expiry:%d %b %Y}", lines, table, data)


CHAIN_ROWS_EACH_SIDE = 8


def _float(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _chain_rows(expiry: ExpiryView, each_side: int) -> tuple[tuple[str, ...], ...]:
    atm = max(expiry.atm_row, 0)
    rows = []
    for i in range(max(0, atm - each_side), min(len(expiry.strikes), atm + each_side + 1)):
        c, p = expiry.calls, expiry.puts
        rows.append(
            (
                _price(c.bid[i]),
                _price(c.ask[i]),
                _maybe(100 * c.iv[i], ".1f"),
                _maybe(c.delta[i], ".2f"),
                f"{expiry.strikes[i]:g}",
                _price(p.bid[i]),
                _price(p.ask[i]),
                _maybe(100 * p.iv[i], ".1f"),
                _maybe(p.delta[i], ".2f"),
            )
        )
    return tuple(rows)


async def run_market(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Say whether the US equity market is open, and the next open/close."""
    status = ctx.calendar.status(ctx.clock.now())
    data = {
        "state": status.state.value,
        "label": status.label,
        "session": status.session,
        "half_day": status.is_half_day,
        "opens_at": status.opens_at,
        "closes_at": status.closes_at,
        "next_open": status.next_open,
    }
    return CommandResult(f"NYSE: {status.label}", data=data)


SPECS = (
    CommandSpec(
        "quote",
        "Show quotes with change from the prior close",
        run_quote,
        args=(Arg("symbols", ArgKind.SYMBOL, "one or more ticker symbols", variadic=True),),
        aliases=("q",),
        examples=("/quote SPY QQQ",),
    ),
    CommandSpec(
        "em",
        "Expected move over N days: IV, IV rank, both day counts, straddle",
        run_expected_move,
        args=(
            Arg("symbol", ArgKind.SYMBOL, "underlying ticker"),
            Arg(
                "days",
                ArgKind.INT,
                "horizon in calendar days (default 30)",
                required=False,
                default=30,
                minimum=1,
                maximum=730,
            ),
        ),
        examples=("/em SPY 7", "/em QQQ"),
    ),
    CommandSpec(
        "chain",
        "Option chain around the money (opens the chain panel)",
        run_chain,
        args=(
            Arg("symbol", ArgKind.SYMBOL, "underlying ticker"),
            Arg(
                "days",
                ArgKind.INT,
                "first expiration at least this many days out",
                required=False,
                minimum=0,
                maximum=1000,
            ),
        ),
        examples=("/chain SPY", "/chain AAPL 30"),
    ),
    CommandSpec(
        "market",
        "Is the market open? Next open and close (NYSE)",
        run_market,
        examples=("/market",),
    ),
)
