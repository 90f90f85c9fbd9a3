"""Exit management: judge each open position against the trader's exit rules.

Rules: profit target (a fraction of max profit for credit trades, a gain on
the debit for debit trades), max-loss breach (a multiple of the credit, or a
fraction of the debit), a time exit at N days to expiry, and inside the
expiry window a let-expire vs close recommendation (see
:mod:`workstation.engines.risk.exit_expiry`). Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from workstation.domain.exits import (
    ExitAssessment,
    ExitPosition,
    ExitRuleKind,
    ExitRules,
    ExitSignal,
    ExpiryAction,
    ExpiryRecommendation,
    RuleState,
)
from workstation.engines.risk.exit_expiry import recommend_expiry
from workstation.engines.risk.exit_text import days, percent, usd

PROFIT, LOSS = ExitRuleKind.PROFIT_TARGET, ExitRuleKind.MAX_LOSS


def assess_exit(position: ExitPosition, rules: ExitRules | None = None) -> ExitAssessment:
    """Judge one position against every exit rule; recommend at expiry inside the window."""
    rules = rules or ExitRules()
    in_window = position.dte is not None and position.dte <= rules.expiry_window_dte
    recommendation = recommend_expiry(position, rules) if in_window else None
    signals = (
        profit_target_signal(position, rules),
        max_loss_signal(position, rules),
        time_exit_signal(position, rules),
        expiry_signal(position, rules, recommendation),
    )
    return ExitAssessment(position.id, signals, recommendation)


def assess_exits(
    positions: Iterable[ExitPosition], rules: ExitRules | None = None
) -> list[ExitAssessment]:
    """Judge every position with the same rules, in the order given."""
    return [assess_exit(position, rules) for position in positions]


def profit_and_loss(position: ExitPosition) -> Decimal:
    """Open P/L in dollars: cash at the open plus what closing now would receive (+) or pay (-)."""
    return position.opening_cash + position.current_value


def threshold_state(amount: Decimal, threshold: Decimal, near_fraction: float) -> RuleState:
    """HIT at or past ``threshold`` dollars, NEAR from ``near_fraction`` of it, else OK."""
    if amount >= threshold:
        return RuleState.HIT
    if amount >= threshold * Decimal(repr(near_fraction)):
        return RuleState.NEAR
    return RuleState.OK


def profit_target_signal(position: ExitPosition, rules: ExitRules) -> ExitSignal:
    """Credit: P/L against a fraction of max profit. Debit: P/L against a gain on the debit."""
    skip = _skip_reason(position, rules.profit_target_credit, rules.profit_target_debit)
    if skip:
        return ExitSignal(position.id, PROFIT, RuleState.NOT_APPLICABLE, "No profit target", skip)
    pnl = profit_and_loss(position)
    target, basis = _profit_target(position, rules)
    state = threshold_state(pnl, target, rules.near_fraction)
    headline = {
        RuleState.HIT: "Profit target hit",
        RuleState.NEAR: "Near profit target",
    }.get(state, "Profit target not reached")
    detail = f"P/L {usd(pnl, signed=True)} against a target of {usd(target)} ({basis})"
    return ExitSignal(position.id, PROFIT, state, headline, f"{detail}{_progress(pnl, target)}")


def max_loss_signal(position: ExitPosition, rules: ExitRules) -> ExitSignal:
    """Credit: loss against a multiple of the credit. Debit: loss against part of the debit."""
    skip = _skip_reason(position, rules.max_loss_multiple, rules.max_loss_debit)
    if skip:
        return ExitSignal(position.id, LOSS, RuleState.NOT_APPLICABLE, "No max-loss rule", skip)
    loss = -profit_and_loss(position)
    limit, basis = _loss_limit(position, rules)
    state = threshold_state(loss, limit, rules.near_fraction)
    headline = {
        RuleState.HIT: "Max loss breached",
        RuleState.NEAR: "Near max loss",
    }.get(state, "Within max loss")
    shown = usd(-loss, signed=True)
    detail = f"P/L {shown} against a max loss of {usd(limit)} ({basis})"
    return ExitSignal(position.id, LOSS, state, headline, f"{detail}{_progress(loss, limit)}")


def time_exit_signal(position: ExitPosition, rules: ExitRules) -> ExitSignal:
    """HIT at ``time_exit_dte`` days to expiry or fewer; NEAR ``time_near_days`` before that."""
    kind, dte, exit_at = ExitRuleKind.TIME, position.dte, rules.time_exit_dte
    if dte is None or exit_at is None:
        why = "stock position: no expiry" if dte is None else "time exit turned off"
        return ExitSignal(position.id, kind, RuleState.NOT_APPLICABLE, "No time exit", why)
    if dte <= exit_at:
        detail = f"{days(dte)} to expiry, at or inside the {exit_at} DTE time exit"
        return ExitSignal(position.id, kind, RuleState.HIT, f"{exit_at} DTE time exit", detail)
    to_go = dte - exit_at
    state = RuleState.NEAR if to_go <= rules.time_near_days else RuleState.OK
    headline = "Time exit soon" if state is RuleState.NEAR else "Time exit ahead"
    detail = f"{days(dte)} to expiry: the {exit_at} DTE time exit comes in {days(to_go)}"
    return ExitSignal(position.id, kind, state, headline, detail)


def expiry_signal(
    position: ExitPosition, rules: ExitRules, recommendation: ExpiryRecommendation | None
) -> ExitSignal:
    """HIT when the expiry recommendation is to close, NEAR when it is to let expire."""
    kind, dte = ExitRuleKind.EXPIRY, position.dte
    if dte is None:
        detail = "stock position: nothing expires"
        return ExitSignal(position.id, kind, RuleState.NOT_APPLICABLE, "No expiry", detail)
    if recommendation is None:
        detail = (
            f"{days(dte)} to expiry: the let-expire or close review starts at "
            f"{rules.expiry_window_dte} DTE"
        )
        return ExitSignal(position.id, kind, RuleState.OK, "Expiry ahead", detail)
    action = recommendation.action
    state = RuleState.NEAR if action is ExpiryAction.LET_EXPIRE else RuleState.HIT
    detail = "; ".join(recommendation.reasons)
    return ExitSignal(position.id, kind, state, _EXPIRY_HEADLINES[action], detail)


_EXPIRY_HEADLINES = {
    ExpiryAction.LET_EXPIRE: "Expiry: let expire",
    ExpiryAction.CLOSE: "Expiry: close",
    ExpiryAction.CLOSE_TESTED_SIDE: "Expiry: close the tested side",
}


def _skip_reason(
    position: ExitPosition, credit_rule: Decimal | None, debit_rule: Decimal | None
) -> str | None:
    if not position.has_options:
        return "stock position: the option exit rules do not apply"
    if position.opening_cash == 0:
        return "opened for even money: no credit or debit to measure against"
    rule = credit_rule if position.opening_cash > 0 else debit_rule
    return "rule turned off" if rule is None else None


def _profit_target(position: ExitPosition, rules: ExitRules) -> tuple[Decimal, str]:
    cash = position.opening_cash
    if cash > 0:
        fraction = rules.profit_target_credit
        assert fraction is not None  # _skip_reason returns early when the rule is off
        best = position.max_profit if position.max_profit is not None else cash
        return fraction * best, f"{percent(fraction)} of the {usd(best)} max profit"
    fraction = rules.profit_target_debit
    assert fraction is not None
    target, basis = fraction * -cash, f"+{percent(fraction)} on the {usd(-cash)} debit"
    if position.max_profit is not None and position.max_profit < target:
        # A vertical cannot gain more than its width: the target becomes its max profit.
        return position.max_profit, f"{basis}, capped at the {usd(position.max_profit)} max profit"
    return target, basis


def _loss_limit(position: ExitPosition, rules: ExitRules) -> tuple[Decimal, str]:
    cash = position.opening_cash
    if cash < 0:
        fraction = rules.max_loss_debit
        assert fraction is not None  # _skip_reason returns early when the rule is off
        return fraction * -cash, f"{percent(fraction)} of the {usd(-cash)} debit"
    multiple = rules.max_loss_multiple
    assert multiple is not None
    limit, basis = multiple * cash, f"{multiple.normalize():f}× the {usd(cash)} credit"
    if position.max_loss is not None and position.max_loss < limit:
        # A narrow spread cannot lose 2× its credit: the limit becomes its max loss.
        return position.max_loss, f"{basis}, capped at the {usd(position.max_loss)} max loss"
    return limit, basis


def _progress(amount: Decimal, threshold: Decimal) -> str:
    if threshold <= 0 or amount <= 0:
        return ""
    return f"; {percent(amount / threshold)} of the way there"
