"""Position sizing: how many contracts a risk budget buys, with the arithmetic shown.

All money is Decimal dollars. ``max_loss_per_contract`` is the most one unit
of the strategy can lose, already multiplied by the contract multiplier (a
$5-wide credit spread taken in for $1.50 risks $350 per contract). Fractions
are decimals of the account value (0.02 = 2 %). Contracts are always rounded
down: the size never risks more than the budget or a cap allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

CENT = Decimal("0.01")


class SizingCap(StrEnum):
    """A configured limit that can make the size smaller than the budget alone."""

    MAX_CONTRACTS = "max contracts per trade"
    MAX_RISK = "max risk per trade"


@dataclass(frozen=True, slots=True)
class SizingCaps:
    """Per-trade limits; None means no limit.

    ``max_contracts`` is a count of contracts (>= 1); ``max_risk_fraction`` is
    the largest fraction of the account value one trade may risk, in (0, 1].
    """

    max_contracts: int | None = None
    max_risk_fraction: Decimal | None = None

    def __post_init__(self) -> None:
        if self.max_contracts is not None and self.max_contracts < 1:
            raise ValueError(
                f"max contracts per trade must be at least 1, got {self.max_contracts}"
            )
        fraction = self.max_risk_fraction
        if fraction is not None and not (fraction.is_finite() and 0 < fraction <= 1):
            raise ValueError(
                f"max risk per trade must be a fraction in (0, 1] (0.05 = 5%), got {fraction}"
            )


@dataclass(frozen=True, slots=True)
class PositionSize:
    """The size of one trade and how it was reached.

    ``risk_budget`` and ``total_risk`` are dollars; ``account_fraction`` is
    ``total_risk / account_value`` (0-1). ``binding_cap`` names the cap that
    made ``contracts`` smaller than the budget alone would allow, if any.
    ``arithmetic`` holds one line per step, with the numbers.
    """

    contracts: int
    risk_budget: Decimal
    max_loss_per_contract: Decimal
    account_value: Decimal
    total_risk: Decimal
    account_fraction: Decimal
    binding_cap: SizingCap | None
    arithmetic: tuple[str, ...]


def size_position(
    max_loss_per_contract: Decimal,
    account_value: Decimal,
    *,
    risk_dollars: Decimal | None = None,
    risk_fraction: Decimal | None = None,
    caps: SizingCaps | None = None,
) -> PositionSize:
    """Return the number of contracts to trade for a risk budget, never rounding up.

    Give the budget either as ``risk_dollars`` or as ``risk_fraction`` of
    ``account_value`` (0.02 = 2 %), not both. Raise ValueError naming the
    input when it cannot be sized: a max loss or account value that is not
    positive, a budget that is not positive or exceeds the account. A budget
    below one contract's max loss gives 0 contracts (not an error).
    """
    caps = caps or SizingCaps()
    _check_inputs(max_loss_per_contract, account_value)
    budget, budget_line = _risk_budget(account_value, risk_dollars, risk_fraction)
    by_budget = _floor_div(budget, max_loss_per_contract)
    lines = [budget_line, _contracts_line(budget, max_loss_per_contract, by_budget)]
    if by_budget == 0:
        lines.append(
            f"the budget {_usd(budget)} is below one contract's max loss "
            f"{_usd(max_loss_per_contract)}: 0 contracts"
        )
    contracts, binding, cap_lines = _apply_caps(
        by_budget, max_loss_per_contract, account_value, caps
    )
    lines += cap_lines
    total = max_loss_per_contract * contracts
    fraction = total / account_value
    lines.append(
        f"total risk = {contracts} × {_usd(max_loss_per_contract)} = {_usd(total)}"
        f" = {_pct(fraction)} of {_usd(account_value)}"
    )
    return PositionSize(
        contracts=contracts,
        risk_budget=budget,
        max_loss_per_contract=max_loss_per_contract,
        account_value=account_value,
        total_risk=total,
        account_fraction=fraction,
        binding_cap=binding,
        arithmetic=tuple(lines),
    )


def _check_inputs(max_loss: Decimal, account_value: Decimal) -> None:
    if not (max_loss.is_finite() and max_loss > 0):
        raise ValueError(f"max loss per contract must be a positive dollar amount, got {max_loss}")
    if not (account_value.is_finite() and account_value > 0):
        raise ValueError(f"account value must be a positive dollar amount, got {account_value}")


def _risk_budget(
    account_value: Decimal, dollars: Decimal | None, fraction: Decimal | None
) -> tuple[Decimal, str]:
    """Return the budget in dollars (cents, rounded down) and the line that shows it."""
    if (dollars is None) == (fraction is None):
        raise ValueError("give the risk budget either in dollars or as a fraction, not both")
    if fraction is not None:
        if not (fraction.is_finite() and 0 < fraction <= 1):
            raise ValueError(
                f"risk budget fraction must be in (0, 1] of the account (0.02 = 2%), got {fraction}"
            )
        budget = (fraction * account_value).quantize(CENT, rounding=ROUND_DOWN)
        return budget, f"risk budget = {_pct(fraction)} × {_usd(account_value)} = {_usd(budget)}"
    assert dollars is not None
    if not (dollars.is_finite() and dollars > 0):
        raise ValueError(f"risk budget must be a positive dollar amount, got {dollars}")
    if dollars > account_value:
        raise ValueError(
            f"risk budget {_usd(dollars)} is larger than the account value {_usd(account_value)}"
        )
    return dollars, (
        f"risk budget = {_usd(dollars)} (given in dollars: "
        f"{_pct(dollars / account_value)} of {_usd(account_value)})"
    )


def _contracts_line(budget: Decimal, max_loss: Decimal, contracts: int) -> str:
    quotient = budget / max_loss
    shown = "" if quotient == contracts else f" = floor({_plain(quotient)})"
    return f"contracts = floor({_usd(budget)} / {_usd(max_loss)}){shown} = {contracts}"


def _apply_caps(
    contracts: int, max_loss: Decimal, account_value: Decimal, caps: SizingCaps
) -> tuple[int, SizingCap | None, list[str]]:
    """Lower ``contracts`` to each cap; return the result, the binding cap and the lines."""
    binding: SizingCap | None = None
    lines: list[str] = []
    if caps.max_contracts is not None:
        limit = caps.max_contracts
        binds = limit < contracts
        lines.append(f"cap: at most {_count(limit)} per trade {_verdict(binds, contracts, limit)}")
        if binds:
            contracts, binding = limit, SizingCap.MAX_CONTRACTS
    if caps.max_risk_fraction is not None:
        allowed = (caps.max_risk_fraction * account_value).quantize(CENT, rounding=ROUND_DOWN)
        limit = _floor_div(allowed, max_loss)
        binds = limit < contracts
        lines.append(
            f"cap: at most {_pct(caps.max_risk_fraction)} × {_usd(account_value)} = "
            f"{_usd(allowed)} at risk per trade → floor({_usd(allowed)} / {_usd(max_loss)}) = "
            f"{_count(limit)} {_verdict(binds, contracts, limit)}"
        )
        if binds:
            contracts, binding = limit, SizingCap.MAX_RISK
    return contracts, binding, lines


def _verdict(binds: bool, before: int, after: int) -> str:
    return f"(binding: {before} → {after})" if binds else "(not binding)"


def _floor_div(amount: Decimal, per_contract: Decimal) -> int:
    return int((amount / per_contract).to_integral_value(rounding=ROUND_DOWN))


def _count(contracts: int) -> str:
    return f"{contracts} contract" if contracts == 1 else f"{contracts} contracts"


def _usd(amount: Decimal) -> str:
    """Dollars with thousands separators and cents, e.g. ``$1,000.00``."""
    return f"${amount:,.2f}"


def _pct(fraction: Decimal) -> str:
    """A fraction as a percentage: two decimals, up to four when given so (0.00125 -> 0.125%)."""
    percent = fraction * 100
    if percent != percent.quantize(CENT) and percent == percent.quantize(Decimal("0.0001")):
        return f"{percent.normalize():f}%"
    return f"{percent:.2f}%"


def _plain(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_DOWN):f}"
