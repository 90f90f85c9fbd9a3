"""Market commands: /quote, /em, /market."""

from __future__ import annotations

import math
from typing import Any
from zoneinfo import ZoneInfo

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandSpec
from workstation.commands.result import CommandResult, Table

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


async def run_expected_move(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Expected move over a horizon from the option chain's ATM IV."""
    day_count = values["basis"] or ctx.settings.expected_move_days
    report = await ctx.expected_moves.expected_move(values["symbol"], values["days"], day_count)
    unit = "calendar" if report.day_count == "calendar" else "trading"
    lines = [
        f"Spot {report.spot:,.2f} · ATM IV {report.iv:.1%} at {report.days} {unit} days "
        f"(interpolated in total variance)",
        f"1σ expected move ±{report.move:,.2f} ({report.move / report.spot:.2%}) = "
        f"{report.formula}",
        f"Range {report.low:,.2f} – {report.high:,.2f} by "
        f"{report.horizon_end.astimezone(NEW_YORK):%a %d %b %H:%M} ET",
    ]
    straddle = report.straddle
    if straddle is not None:
        lines.append(
            f"Straddle {straddle.expiry:%d %b} {straddle.strike:g}: {straddle.price:,.2f} → "
            f"0.85× = ±{straddle.platform_move:,.2f} (platform convention), "
            f"1.25× = ±{straddle.one_sigma_move:,.2f} (≈1σ)"
        )
    data = {
        "symbol": report.symbol,
        "spot": report.spot,
        "days": report.days,
        "day_count": report.day_count,
        "iv": report.iv,
        "expected_move": report.move,
        "low": report.low,
        "high": report.high,
        "formula": report.formula,
        "horizon_end": report.horizon_end,
        "as_of": report.as_of,
        "source": report.source,
        "straddle": None
        if straddle is None
        else {
            "expiry": straddle.expiry,
            "strike": straddle.strike,
            "price": straddle.price,
            "move_0_85": straddle.platform_move,
            "move_1_25": straddle.one_sigma_move,
        },
    }
    return CommandResult(f"Expected move {report.symbol} {report.days}d", tuple(lines), data=data)


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
        "Expected move over N days from ATM implied volatility",
        run_expected_move,
        args=(
            Arg("symbol", ArgKind.SYMBOL, "underlying ticker"),
            Arg("days", ArgKind.INT, "horizon in days", minimum=1, maximum=730),
        ),
        options=(
            Arg(
                "basis",
                ArgKind.CHOICE,
                "day count: calendar (/365) or trading (/252)",
                required=False,
                choices=("calendar", "trading"),
            ),
        ),
        examples=("/em SPY 7", "/em QQQ 30 --basis trading"),
    ),
    CommandSpec(
        "market",
        "Is the market open? Next open and close (NYSE)",
        run_market,
        examples=("/market",),
    ),
)
