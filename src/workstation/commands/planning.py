"""/plan and /plans: ranked trade ideas with their reasons, guardrails and size; saved plans.

``/plan SPY bull 30`` lists candidates (best first), the recommended trade
with every rule it applied, the events inside its window and its size under
the workspace's risk settings. ``--save N`` keeps candidate N as a plan
(``--override "reason"`` when a guardrail blocks it; ``--qty`` contracts).

The work lives in ``commands.plan_report``, imported when a plan is asked
for: the planner's numerical libraries stay out of the window's first paint.
"""

from __future__ import annotations

from typing import Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandSpec
from workstation.commands.result import CommandResult


async def run_plan(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Plan a trade and show (or save) it."""
    from workstation.commands import plan_report

    return await plan_report.plan_command(ctx, values)


async def run_plans(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """List saved plans, newest first."""
    from workstation.commands import plan_report

    return await plan_report.plans_command(ctx, values)


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
