"""/risk and /regime: exposure, account rules and exit signals; choosing an account's regime.

``/risk [--account ID]`` lists open positions with greeks, DTE, P/L and
exit-rule status, the portfolio's greeks (delta in shares, dollars and SPY
shares), each account's regime with its day trades in the window (and when
each drops off), settlement or margin status, and every warning.
``/regime ACCOUNT legacy_pdt|intraday_margin|cash|default`` sets the rule
regime an account is checked under.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec
from workstation.commands.result import CommandResult, Table
from workstation.domain.account_rules import RuleRegime
from workstation.domain.exits import RuleState

if TYPE_CHECKING:  # numpy-backed types: imported when a report exists, not at start-up
    from workstation.domain.exposure import GreekTotals
    from workstation.domain.risk import AccountRisk, PositionRisk, RiskReport
    from workstation.services.risk import RiskService

REGIMES = (*(r.value for r in RuleRegime), "default")
HEADERS = (
    "Position", "Account", "DTE", "Delta (sh)", "Theta ($/day)", "Vega ($/pt)", "P/L ($)",
    "Exit",
)  # fmt: skip


def _risk(ctx: CommandContext, name: str) -> RiskService:
    if ctx.risk is None:
        raise CommandError(f"/{name}: risk is not available in this workspace")
    return ctx.risk


async def run_risk(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Show exposure, account rules and exit signals."""
    report = await _risk(ctx, "risk").report(values["account"])
    lines = (
        _portfolio_line(report),
        *(line for account in report.accounts for line in account_lines(account)),
        *(f"warning: {w}" for w in report.warnings),
        *(f"note: {p}" for p in report.problems[:5]),
    )
    table = Table(HEADERS, tuple(_position_row(p) for p in report.positions))
    title = f"Risk: {len(report.positions)} open positions"
    return CommandResult(title, lines, table, risk_data(report), attachment=report)


async def run_regime(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Set the rule regime of an account (or return it to the default for its type)."""
    service = _risk(ctx, "regime")
    report = await service.report()
    account = values["account"]
    found = [a for a in report.accounts if a.account == account]
    if not found:
        known = ", ".join(a.account for a in report.accounts) or "none"
        raise CommandError(f"/regime: no account {account!r} in the ledger (known: {known})")
    regime = None if values["regime"] == "default" else RuleRegime(values["regime"])
    await service.set_regime(found[0].broker, account, regime)
    after = next(a for a in (await service.report(account)).accounts if a.account == account)
    chosen = "your choice" if after.regime_chosen else "default for the account type"
    return CommandResult(
        f"{account}: {after.regime.label}",
        (f"{account} is checked under {after.regime.label} ({chosen})",),
        data={"account": account, "regime": after.regime.value, "chosen": after.regime_chosen},
    )


def account_lines(account: AccountRisk) -> list[str]:
    """Plain-English lines for one account: regime, equity, rule status, warnings."""
    equity = "unknown" if account.equity is None else f"{account.equity:,.2f}"
    chosen = "" if account.regime_chosen else " (default)"
    lines = [
        f"{account.broker} {account.account}: {account.regime.label}{chosen}; equity {equity} "
        f"({account.equity_source})"
    ]
    status = account.day_trades
    if status is not None:
        window = f"{status.window[0]}..{status.window[-1]}"
        lines.append(
            f"  day trades in {window}: {status.count} of {status.trades_in_window} trades "
            f"({float(status.share):.0%}); {status.remaining} left before the 4th"
        )
        lines += [f"  · {t.session} {t.symbol.strip()} x{t.quantity} drops off {t.drops_off}"
                  for t in status.day_trades]  # fmt: skip
    if account.broker_status is not None and account.broker_status.day_trade_count is not None:
        lines.append(f"  {account.broker} reports {account.broker_status.day_trade_count}")
    if account.settlement is not None:
        s = account.settlement
        unsettled = sum((amount for _, amount in s.unsettled), start=0)
        lines.append(f"  settled cash {s.settled_cash:,.2f}; unsettled {unsettled:,.2f}; "
                     f"good-faith violations in 12 months {s.gfv_count_12m}")  # fmt: skip
    if account.margin is not None:
        m = account.margin
        label = "estimated" if m.estimated else "reported"
        lines.append(
            f"  margin requirement {m.requirement:,.2f} ({label}); cushion {m.cushion:,.2f}"
        )
    lines += [f"  warning: {w}" for w in account.warnings]
    return lines


def risk_data(report: RiskReport) -> dict[str, Any]:
    """The report as JSON-ready data (for ``--json``)."""
    return {
        "as_of": report.as_of,
        "portfolio": _totals(report.exposure.portfolio),
        "underlyings": {g.label: _totals(g.totals) for g in report.exposure.underlyings},
        "positions": [_position_data(p) for p in report.positions],
        "accounts": [_account_data(a) for a in report.accounts],
        "warnings": list(report.warnings),
        "problems": list(report.problems),
    }


def _portfolio_line(report: RiskReport) -> str:
    t = report.exposure.portfolio
    beta = "" if not math.isfinite(report.benchmark_price) else f", {t.beta_delta:,.1f} SPY sh"
    return (
        f"Portfolio delta {t.delta_shares:,.1f} sh ({t.dollar_delta:,.0f} $){beta}; "
        f"gamma {t.gamma_shares:,.2f} sh/$; theta {t.theta_day:,.2f} $/day; "
        f"vega {t.vega:,.2f} $/pt; P/L {t.pnl:,.2f} $"
    )


def _position_row(risk: PositionRisk) -> tuple[str, ...]:
    t = risk.totals
    return (
        risk.position.name,
        risk.position.account,
        "-" if t.nearest_dte is None else str(t.nearest_dte),
        _num(t.delta_shares, 1),
        _num(t.theta_day, 2),
        _num(t.vega, 2),
        "-" if risk.pnl is None else f"{risk.pnl:,.2f}",
        exit_status(risk),
    )


def exit_status(risk: PositionRisk) -> str:
    """The most pressing exit signal in a few words ("ok" when none)."""
    if risk.exit is None:
        return "no marks"
    pressing = [s for s in risk.exit.signals if s.state in (RuleState.HIT, RuleState.NEAR)]
    if not pressing:
        return "ok"
    worst = max(pressing, key=lambda s: s.state.severity)
    return f"{worst.state.value}: {worst.headline}"


def _num(value: float, places: int) -> str:
    return "-" if not math.isfinite(value) else f"{value:,.{places}f}"


def _totals(t: GreekTotals) -> dict[str, Any]:
    return {
        "delta_shares": t.delta_shares, "dollar_delta": t.dollar_delta,
        "beta_delta_spy_shares": t.beta_delta, "gamma_shares": t.gamma_shares,
        "theta_per_day": t.theta_day, "vega_per_point": t.vega, "market_value": t.market_value,
        "pnl": t.pnl, "legs": t.legs, "unpriced_legs": t.unpriced_legs,
        "nearest_dte": t.nearest_dte,
    }  # fmt: skip


def _position_data(risk: PositionRisk) -> dict[str, Any]:
    p = risk.position
    exit_ = risk.exit
    return {
        "id": p.id, "name": p.name, "account": p.account, "underlying": p.underlying,
        "legs": [leg.leg.symbol.strip() for leg in risk.legs],
        "greeks": _totals(risk.totals), "pnl": risk.pnl,
        "max_profit": risk.max_profit, "max_loss": risk.max_loss,
        "exit": None if exit_ is None else [
            {"rule": s.rule.value, "state": s.state.value, "detail": s.detail}
            for s in exit_.signals
        ],
        "expiry_recommendation": None if exit_ is None or exit_.recommendation is None else {
            "action": exit_.recommendation.action.value,
            "reasons": list(exit_.recommendation.reasons),
        },
    }  # fmt: skip


def _account_data(a: AccountRisk) -> dict[str, Any]:
    data: dict[str, Any] = {
        "broker": a.broker, "account": a.account, "regime": a.regime.value,
        "regime_chosen": a.regime_chosen, "equity": a.equity, "equity_source": a.equity_source,
        "warnings": list(a.warnings), "broker_difference": a.broker_difference,
    }  # fmt: skip
    if a.day_trades is not None:
        s = a.day_trades
        data["day_trades"] = {
            "window": [s.window[0], s.window[-1]], "count": s.count,
            "trades_in_window": s.trades_in_window, "share": s.share,
            "is_pattern": s.is_pattern, "below_minimum": s.below_minimum,
            "remaining": s.remaining, "next_drop_off": s.next_drop_off,
            "trades": [{"session": t.session, "symbol": t.symbol.strip(),
                        "quantity": t.quantity, "drops_off": t.drops_off}
                       for t in s.day_trades],
        }  # fmt: skip
    if a.broker_status is not None:
        data["broker_day_trade_count"] = a.broker_status.day_trade_count
    if a.settlement is not None:
        s2 = a.settlement
        data["settlement"] = {
            "settled_cash": s2.settled_cash, "unsettled": [list(x) for x in s2.unsettled],
            "good_faith_violations_12m": s2.gfv_count_12m, "restricted_until": s2.restricted_until,
        }  # fmt: skip
    if a.margin is not None:
        data["margin"] = {"requirement": a.margin.requirement, "cushion": a.margin.cushion,
                          "estimated": a.margin.estimated}  # fmt: skip
    return data


SPECS = (
    CommandSpec(
        "risk",
        "Open positions with greeks and exit rules, portfolio greeks, day trades and warnings",
        run_risk,
        options=(Arg("account", ArgKind.TEXT, "one account only", required=False),),
        examples=("/risk", "/risk --account 5WT00001"),
    ),
    CommandSpec(
        "regime",
        "Set the day-trade/settlement rule regime an account is checked under",
        run_regime,
        args=(
            Arg("account", ArgKind.TEXT, "the account number"),
            Arg("regime", ArgKind.CHOICE, "legacy_pdt, intraday_margin, cash or default",
                choices=REGIMES),
        ),
        examples=("/regime 5WT00001 intraday_margin", "/regime 5WT00001 default"),
    ),
)  # fmt: skip
