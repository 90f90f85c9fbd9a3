"""/size: how many contracts a risk budget buys, with the arithmetic shown.

Grammar: ``/size RISK [BUDGET] [--account VALUE]``. RISK is the max loss of
one contract in dollars (the most the spread you are about to trade can
lose, already x100). BUDGET is what you are willing to lose on the trade:
a percent of the account (``2%``) or dollars (``$1000`` or ``1000``); without
it the workspace's max-risk-per-trade setting is the budget. The account
value is ``--account`` or the workspace's account_value setting (used until
a broker account is linked). The workspace caps (max contracts, max risk per
trade) always apply.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec, RiskBudget
from workstation.commands.result import CommandResult
from workstation.engines.sizing import PositionSize, SizingCaps, size_position

if TYPE_CHECKING:
    from workstation.config.settings import WorkspaceSettings


async def run_size(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Size a trade against the workspace's account value and caps."""
    return size_result(values, ctx.settings)


def size_result(values: dict[str, Any], settings: WorkspaceSettings) -> CommandResult:
    """Run /size on parsed ``values`` with the sizing fields of ``settings``."""
    max_loss: Decimal = values["risk"]
    given: RiskBudget | None = values["budget"]
    option: Decimal | None = values["account"]
    budget = (
        given if given is not None else RiskBudget(fraction=_decimal(settings.max_risk_per_trade))
    )
    account = option if option is not None else settings.account_value
    caps = SizingCaps(settings.max_contracts_per_trade, _decimal(settings.max_risk_per_trade))
    try:
        sized = size_position(
            max_loss,
            account,
            risk_dollars=budget.dollars,
            risk_fraction=budget.fraction,
            caps=caps,
        )
    except ValueError as exc:
        raise CommandError(f"/size: {exc}") from None
    sources = {
        "account_source": "setting" if option is None else "option",
        "budget_source": "setting" if given is None else "argument",
    }
    lines = (_inputs_line(sized, sources), *sized.arithmetic)
    noun = "contract" if sized.contracts == 1 else "contracts"
    return CommandResult(
        f"Size: {sized.contracts} {noun}", lines, data=_data(sized, budget, caps, sources)
    )


def _decimal(fraction: float) -> Decimal:
    """Settings hold fractions as floats; str() keeps 0.05 as exactly 0.05."""
    return Decimal(str(fraction))


def _inputs_line(sized: PositionSize, sources: dict[str, str]) -> str:
    account_from = (
        "from --account"
        if sources["account_source"] == "option"
        else "from the account_value setting (until a broker account is linked)"
    )
    budget_from = (
        ""
        if sources["budget_source"] == "argument"
        else "; budget = the max risk per trade setting"
    )
    return (
        f"max loss ${sized.max_loss_per_contract:,.2f} per contract; "
        f"account ${sized.account_value:,.2f} {account_from}{budget_from}"
    )


def _data(
    sized: PositionSize, budget: RiskBudget, caps: SizingCaps, sources: dict[str, str]
) -> dict[str, Any]:
    return {
        "contracts": sized.contracts,
        "max_loss_per_contract": sized.max_loss_per_contract,
        "account_value": sized.account_value,
        "risk_budget": sized.risk_budget,
        "risk_budget_fraction": budget.fraction,
        "total_risk": sized.total_risk,
        "account_fraction": sized.account_fraction,
        "binding_cap": None if sized.binding_cap is None else sized.binding_cap.value,
        "caps": {
            "max_contracts": caps.max_contracts,
            "max_risk_fraction": caps.max_risk_fraction,
        },
        **sources,
        "arithmetic": list(sized.arithmetic),
    }


SPECS = (
    CommandSpec(
        "size",
        "Contracts to trade for a risk budget (percent of the account or dollars), capped",
        run_size,
        args=(
            Arg(
                "risk",
                ArgKind.MONEY,
                "max loss of one contract in dollars (e.g. a $5-wide spread sold for 1.50 "
                "risks 350)",
            ),
            Arg(
                "budget",
                ArgKind.RISK_BUDGET,
                "risk budget: a percent of the account (2%) or dollars ($1000 or 1000); "
                "default: the max risk per trade setting",
                required=False,
            ),
        ),
        options=(
            Arg(
                "account",
                ArgKind.MONEY,
                "account value in dollars (default: the account_value setting)",
                required=False,
            ),
        ),
        examples=("/size 500 2%", "/size 350 $1000", "/size 500 1.5% --account 60000"),
    ),
)
