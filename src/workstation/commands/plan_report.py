"""How a trade plan reads: text lines and a table for people, a JSON payload for scripts.

Dollars for the whole position unless said; prices dollars per share;
probabilities 0-1 in JSON and percent in text; an unlimited amount is the
string "unlimited" in JSON.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import CommandError
from workstation.commands.plan_text import (
    CANDIDATE_HEADERS,
    UNLIMITED,
    candidate_cells,
    dollars,
    net_price,
)
from workstation.commands.result import CommandResult, Table
from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.strategies import OptionLeg, StockLeg, strike_text
from workstation.engines.planner import Bias, Candidate, TradePlan
from workstation.engines.planner.scoring import risk_of
from workstation.engines.sessions import EXCHANGE_TZ, TradingCalendar
from workstation.engines.sizing import PositionSize, SizingCaps, size_position
from workstation.reports.orders import option_roots
from workstation.services.plans import GuardrailBlocked

if TYPE_CHECKING:
    from workstation.config.settings import WorkspaceSettings

TOP = 10


async def plan_command(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Plan a trade and show (or save) it."""
    if ctx.planner is None:
        raise CommandError("/plan: the planner is not available in this workspace")
    result = await ctx.planner.plan(values["symbol"], Bias(values["bias"]), values["dte"])
    plan = result.plan
    best = plan.recommended
    size = size_for(best, ctx.settings) if best is not None else None
    lines = [
        f"Spot {plan.spot:,.2f} · {plan.as_of.astimezone(EXCHANGE_TZ):%a %d %b %Y %H:%M} ET",
        *(f"· {reason}" for reason in plan.decision.reasons),
        *_event_lines(plan),
        *recommendation_lines(plan, size),
        *(f"set aside: {r.structure} — {r.reason}" for r in plan.rejected[:6]),
        *(f"note: {note}" for note in result.notes),
    ]
    data = plan_data(plan, TOP, ctx.calendar, result.notes)
    if best is not None:
        account = await account_warnings(ctx, best)
        lines.extend(f"account: {warning}" for warning in account)
        data["account_warnings"] = account
    if values["save"] is not None:
        lines.append(await _save(ctx, plan, values))
        data["saved"] = lines[-1]
    title = f"Plan {plan.underlying} {plan.bias} {plan.dte}d: {len(plan.candidates)} candidates"
    return CommandResult(title, tuple(lines), candidates_table(plan, TOP), data, attachment=result)


async def account_warnings(ctx: CommandContext, candidate: Candidate) -> list[str]:
    """Warn when ``candidate``, opened and closed today, would break an account rule.

    Legacy-PDT accounts: would it be the day trade that flags the account?
    Cash accounts: would paying its debit use unsettled funds? Empty without
    a ledger or when nothing applies.
    """
    if ctx.risk is None:
        return []
    legs = len(candidate.strategy.option_legs) or 1
    debit = candidate.strategy.net_premium
    return await ctx.risk.pre_trade(legs, candidate.label, debit if debit > 0 else None)


def size_for(candidate: Candidate, settings: WorkspaceSettings) -> PositionSize | None:
    """Size ``candidate`` with the workspace's account value, risk per trade and caps."""
    risk = risk_of(candidate.metrics)
    if not math.isfinite(risk) or risk <= 0:
        return None
    fraction = Decimal(str(settings.max_risk_per_trade))
    return size_position(
        Decimal(f"{risk:.2f}"),
        settings.account_value,
        risk_fraction=fraction,
        caps=SizingCaps(settings.max_contracts_per_trade, fraction),
    )


def _event_lines(plan: TradePlan) -> list[str]:
    lines = [f"event in the window: {_event_text(e)}" for e in plan.events]
    if plan.quiet is not None:
        ends = plan.quiet.ends.astimezone(EXCHANGE_TZ)
        lines.append(
            f"MACRO QUIET: {_event_text(plan.quiet.event)} — no new short premium until "
            f"{ends:%a %d %b %H:%M} ET"
        )
    return lines


def _event_text(event: CalendarEvent) -> str:
    """E.g. ``FOMC rate decision (December 2026 meeting), Tue 08 – Wed 09 Dec 2026 14:00 ET``."""
    at = event.at.astimezone(EXCHANGE_TZ)
    start = f"{event.first_day:%a %d} – " if event.first_day else ""
    return f"{event.title}, {start}{at:%a %d %b %Y %H:%M} ET ({event.status})"


async def _save(ctx: CommandContext, plan: TradePlan, values: dict[str, Any]) -> str:
    rank = values["save"]
    if ctx.plans is None:
        raise CommandError("/plan: saving plans is not available in this workspace")
    if not 1 <= rank <= len(plan.candidates):
        raise CommandError(
            f"/plan: --save {rank}: pick a candidate from 1 to {len(plan.candidates)}"
        )
    candidate = plan.candidates[rank - 1]
    try:
        saved = await ctx.plans.save(plan, candidate, values["qty"], values["override"] or "")
    except GuardrailBlocked as exc:
        raise CommandError(f"/plan: {exc}") from None
    how = "overriding the guardrail" if saved.guardrail.override_reason else "guardrails clear"
    return f"saved plan #{saved.id}: {candidate.label} × {saved.quantity} ({how})"


async def plans_command(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """List saved plans, newest first."""
    if ctx.plans is None:
        raise CommandError("/plans: saved plans are not available in this workspace")
    saved = await ctx.plans.recent(values["symbol"])
    rows = tuple(
        (
            str(p.id),
            f"{p.created_at:%Y-%m-%d %H:%M}",
            p.underlying,
            p.strategy.kind.value,
            f"{p.limit_price} {p.price_effect.value}",
            str(p.quantity),
            p.guardrail.outcome.value,
            p.status.value,
        )
        for p in saved
    )
    headers = ("#", "Saved (UTC)", "Symbol", "Trade", "Limit/sh", "Qty", "Guardrails", "Status")
    data = {
        "plans": [
            {
                "id": p.id,
                "created_at": p.created_at,
                "symbol": p.underlying,
                "structure": p.strategy.kind.value,
                "legs": [leg.describe() for leg in p.strategy.legs],
                "limit_price": p.limit_price,
                "price_effect": p.price_effect.value,
                "quantity": p.quantity,
                "guardrail": p.guardrail.outcome.value,
                "override_reason": p.guardrail.override_reason,
                "status": p.status.value,
            }
            for p in saved
        ]
    }
    return CommandResult(f"Saved plans ({len(saved)})", table=Table(headers, rows), data=data)


def number(value: float) -> float | str | None:
    """A JSON-safe number: "unlimited" for infinity, None for NaN."""
    if math.isinf(value):
        return UNLIMITED if value > 0 else f"-{UNLIMITED}"
    return None if math.isnan(value) else value


def candidates_table(plan: TradePlan, top: int) -> Table:
    """The ranked candidates, one row each."""
    rows = tuple(candidate_cells(i, c) for i, c in enumerate(plan.candidates[:top], start=1))
    return Table(CANDIDATE_HEADERS, rows)


def recommendation_lines(plan: TradePlan, size: PositionSize | None) -> list[str]:
    """The recommended trade with its reasons, guardrail messages and size."""
    best = plan.recommended
    if best is None:
        return ["No trade passes the guardrails; blocked trades need an override reason."]
    m = best.metrics
    lines = [
        f"Recommended: {best.label} at {net_price(best.mid)} "
        f"(natural {net_price(best.natural)}), max profit {dollars(m.profile.max_profit)}, "
        f"max loss {dollars(m.profile.max_loss)}, POP {m.pop:.0%} "
        f"(delta proxy {m.pop_delta_proxy:.0%})",
        *(f"  because {note}" for note in best.notes),
        f"  {best.score.explain(plan.rules.weights)}",
        f"  buying power {dollars(m.buying_power.amount)} (estimate: {m.buying_power.method})",
    ]
    lines += [f"  {f.severity.value}: {f.message}" for f in best.verdict.findings]
    if size is not None:
        noun = "contract" if size.contracts == 1 else "contracts"
        lines.append(f"  size: {size.contracts} {noun} — " + "; ".join(size.arithmetic))
    return lines


def candidate_data(rank: int, c: Candidate, calendar: TradingCalendar) -> dict[str, Any]:
    """One candidate as JSON: legs, prices, numbers, score and guardrails."""
    m = c.metrics
    roots = option_roots(c.strategy, calendar)
    return {
        "rank": rank,
        "structure": c.strategy.kind.value,
        "label": c.label,
        "family": c.family.value,
        "expiry": c.expiry,
        "defensive": c.defensive,
        "legs": [_leg_data(leg, roots) for leg in c.strategy.legs],
        "mid": c.mid,
        "natural": c.natural,
        "net_premium": m.net_premium,
        "width": number(c.width),
        "breakevens": list(m.profile.breakevens),
        "max_profit": number(m.profile.max_profit),
        "max_loss": number(m.profile.max_loss),
        "risk": number(risk_of(m)),
        "pop": m.pop,
        "pop_delta_proxy": m.pop_delta_proxy,
        "expected_value": m.expected_value,
        "touch": [{"level": t.level, "probability": t.probability} for t in m.touches],
        "greeks": {
            "delta_shares": m.greeks.delta,
            "gamma": m.greeks.gamma,
            "theta_per_day": m.greeks.theta,
            "vega_per_point": m.greeks.vega,
        },
        "buying_power": m.buying_power.amount,
        "buying_power_method": m.buying_power.method,
        "score": c.score.total,
        "score_terms": c.score.terms,
        "notes": list(c.notes),
        "guardrails": {
            "blocked": c.blocked,
            "findings": [
                {"severity": f.severity.value, "event": f.event.id, "message": f.message}
                for f in c.verdict.findings
            ],
            "alternatives": [
                {"kind": a.kind.value, "structure": a.strategy.value, "expiry": a.expiry,
                 "reason": a.reason}
                for a in c.verdict.alternatives
            ],
        },
    }  # fmt: skip


def _leg_data(leg: OptionLeg | StockLeg, roots: dict[date, str]) -> dict[str, Any]:
    if isinstance(leg, StockLeg):
        return {"type": "stock", "quantity": leg.quantity, "price": leg.price}
    return {
        "type": "option",
        "action": "buy" if leg.is_long else "sell",
        "right": "call" if leg.is_call else "put",
        "strike": strike_text(leg.strike),
        "expiry": leg.expiry,
        "quantity": leg.quantity,
        "price": leg.price,
        "iv": leg.iv,
        "occ": str(leg.occ(roots[leg.expiry])),
    }


def plan_data(
    plan: TradePlan, top: int, calendar: TradingCalendar, notes: tuple[str, ...]
) -> dict[str, Any]:
    """The whole plan as JSON."""
    best = plan.recommended
    return {
        "open_panel": "planner",
        "symbol": plan.underlying,
        "bias": plan.bias.value,
        "dte": plan.dte,
        "as_of": plan.as_of,
        "spot": plan.spot,
        "decision": list(plan.decision.reasons),
        "recommended": None if best is None else plan.candidates.index(best) + 1,
        "candidates": [
            candidate_data(i, c, calendar) for i, c in enumerate(plan.candidates[:top], start=1)
        ],
        "rejected": [{"structure": r.structure, "reason": r.reason} for r in plan.rejected],
        "events": [
            {"id": e.id, "kind": e.kind.value, "title": e.title, "at": e.at,
             "first_day": e.first_day,
             "status": e.status.value, "source": e.source}
            for e in plan.events
        ],
        "macro_quiet": None
        if plan.quiet is None
        else {"event": plan.quiet.event.id, "from": plan.quiet.starts, "until": plan.quiet.ends},
        "notes": list(notes),
    }  # fmt: skip
