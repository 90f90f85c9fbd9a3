"""/plan and /plans: ranked trade ideas with their reasons, guardrails and size; saved plans.

``/plan SPY bull 30`` lists candidates (best first), the recommended trade
with every rule it applied, the events inside its window and its size under
the workspace's risk settings. ``--save N`` keeps candidate N as a plan
(``--override "reason"`` when a guardrail blocks it; ``--qty`` contracts).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec
from workstation.commands.plan_report import (
    candidates_table,
    plan_data,
    recommendation_lines,
)
from workstation.commands.result import CommandResult, Table
from workstation.domain.event_calendar import CalendarEvent
from workstation.engines.planner import Bias, Candidate, TradePlan
from workstation.engines.planner.scoring import risk_of
from workstation.engines.sessions import EXCHANGE_TZ
from workstation.engines.sizing import PositionSize, SizingCaps, size_position
from workstation.services.plans import GuardrailBlocked

if TYPE_CHECKING:
    from workstation.config.settings import WorkspaceSettings

TOP = 10


async def run_plan(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
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
    if values["save"] is not None:
        lines.append(await _save(ctx, plan, values))
        data["saved"] = lines[-1]
    title = f"Plan {plan.underlying} {plan.bias} {plan.dte}d: {len(plan.candidates)} candidates"
    return CommandResult(title, tuple(lines), candidates_table(plan, TOP), data, attachment=result)


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


async def run_plans(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
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


SPECS = (
    CommandSpec(
        "plan",
        "Plan a trade: ranked candidates with reasons, guardrails and size",
        run_plan,
        args=(
            Arg("symbol", ArgKind.SYMBOL, "underlying ticker"),
            Arg("bias", ArgKind.CHOICE, "your view", choices=("bull", "bear", "neutral")),
            Arg(
                "dte",
                ArgKind.INT,
                "days to expiration you have in mind",
                required=False,
                default=30,
                minimum=0,
                maximum=730,
            ),
        ),
        options=(
            Arg("save", ArgKind.INT, "save candidate N as a plan", required=False, minimum=1),
            Arg("qty", ArgKind.INT, "contracts for the saved plan", required=False, default=1,
                minimum=1, maximum=10_000),
            Arg("override", ArgKind.TEXT, "why you override a blocking guardrail",
                required=False),
        ),
        examples=("/plan SPY bull 30", "/plan QQQ neutral 45", "/plan SPY bull 30 --save 1"),
    ),
    CommandSpec(
        "plans",
        "Saved plans, newest first",
        run_plans,
        args=(Arg("symbol", ArgKind.SYMBOL, "only this underlying", required=False),),
        examples=("/plans", "/plans SPY"),
    ),
)  # fmt: skip
