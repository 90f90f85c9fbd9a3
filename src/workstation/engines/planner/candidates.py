"""Candidate trades for one expiration, with the reasons their strikes were chosen.

Credit structures sell strikes outside the expected move (S·IV·√(days/365),
times the rule's multiple) with widths from the rule table and must collect
at least the minimum share of the width. Debit structures buy near the money
and sell at the expected-move target. Each builder yields a ``Draft`` (a
priced strategy and its strike notes) or a ``Rejection`` saying why a
structure could not be built; liquidity and guardrails are checked later.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

import numpy as np

from workstation.domain.occ import OptionRight
from workstation.domain.strategies import Strategy, StrategyError
from workstation.engines.planner.market import Bias, ExpiryQuotes, PlanningMarket
from workstation.engines.planner.rules import PlannerRules
from workstation.engines.strategies import templates as t

CALL, PUT = OptionRight.CALL, OptionRight.PUT


class Family(StrEnum):
    """Whether a structure is opened for a credit (sells premium) or a debit (buys it)."""

    CREDIT = "credit"
    DEBIT = "debit"


@dataclass(frozen=True, slots=True)
class Draft:
    """A priced structure and the notes on how its strikes were picked."""

    strategy: Strategy
    family: Family
    notes: tuple[str, ...]
    width: float = math.nan  # dollars between the strikes at risk (spreads)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A structure the planner looked at and set aside, and why (with the numbers)."""

    structure: str
    reason: str


Built = Draft | Rejection


def draft_of(strategy: Strategy, notes: tuple[str, ...] = ()) -> Draft:
    """Wrap a trader-built or edited strategy: credit when it opens for a credit."""
    family = Family.CREDIT if strategy.is_credit else Family.DEBIT
    return Draft(strategy, family, notes)


# ------------------------------------------------------------------ strike helpers
def _highest_at_or_below(e: ExpiryQuotes, right: OptionRight, level: float, n: int) -> list[float]:
    listed = e.quoted_strikes(right)
    return [float(k) for k in listed[listed <= level][::-1][:n]]


def _lowest_at_or_above(e: ExpiryQuotes, right: OptionRight, level: float, n: int) -> list[float]:
    listed = e.quoted_strikes(right)
    return [float(k) for k in listed[listed >= level][:n]]


def _nearest(e: ExpiryQuotes, right: OptionRight, level: float) -> float | None:
    listed = e.quoted_strikes(right)
    return None if listed.size == 0 else float(listed[np.argmin(np.abs(listed - level))])


def _em_note(market: PlanningMarket, e: ExpiryQuotes, rules: PlannerRules) -> tuple[float, str]:
    em = e.expected_move(market.spot) * rules.em_multiple
    times = "" if rules.em_multiple == 1 else f"{rules.em_multiple:g}× "
    text = (
        f"{times}expected move to {e.expiry:%b %d} ({e.dte} DTE) ±{em:,.2f} = S·IV·√(days/365) "
        f"with ATM IV {e.atm_iv:.1%}: {market.spot - em:,.2f}–{market.spot + em:,.2f}"
    )
    return em, text


def _build(label: str, make: Callable[[], Strategy]) -> Strategy | Rejection:
    try:
        return make()
    except StrategyError as exc:
        return Rejection(label, str(exc))


def _credit_check(strategy: Strategy, width: float, rules: PlannerRules) -> str | None:
    """Return why the credit is too small, or None; credit and width per share."""
    credit = -float(strategy.net_premium) / 100.0
    share = credit / width
    if share < rules.min_credit_fraction:
        return (
            f"credit {credit:.2f} = {share:.1%} of width {width:g} "
            f"< {rules.min_credit_fraction:.0%} minimum"
        )
    return None


def _credit_note(strategy: Strategy, width: float, rules: PlannerRules) -> str:
    credit = -float(strategy.net_premium) / 100.0
    return (
        f"credit {credit:.2f} = {credit / width:.1%} of width {width:g} "
        f"≥ {rules.min_credit_fraction:.0%}"
    )


def _label(kind: str, strikes: list[float], e: ExpiryQuotes) -> str:
    shown = "/".join(f"{k:g}" for k in strikes)
    return " ".join(part for part in (kind, shown, f"{e.expiry:%b %d}") if part)


# ------------------------------------------------------------------ credit structures
def credit_verticals(
    market: PlanningMarket, e: ExpiryQuotes, bias: Bias, rules: PlannerRules
) -> Iterator[Built]:
    """Bull put (bull) or bear call (bear) credit spreads outside the expected move."""
    em, em_text = _em_note(market, e, rules)
    right = PUT if bias is Bias.BULL else CALL
    kind = "bull put credit spread" if bias is Bias.BULL else "bear call credit spread"
    outward = -1 if right is PUT else 1
    edge = market.spot + outward * em
    shorts = (
        _highest_at_or_below(e, PUT, edge, 2)
        if right is PUT
        else _lowest_at_or_above(e, CALL, edge, 2)
    )
    if not shorts:
        yield Rejection(kind, f"no quoted strike outside the {em_text}")
        return
    built = [
        _credit_vertical(market, e, right, (short, long), kind, em_text, rules)
        for short in shorts
        for long in _wings(e, right, short, rules.widths_for(market.spot), outward)
    ]
    if not built:
        yield Rejection(kind, f"no strikes {_width_range(market, rules)} beyond {shorts[0]:g}")
    yield from built
    if not any(isinstance(b, Draft) for b in built):
        hint = _credit_frontier(market, e, right, em, rules)
        if hint:
            yield Rejection(_label(kind, [], e), hint)


def _wings(
    e: ExpiryQuotes, right: OptionRight, short: float, widths: tuple[float, ...], outward: int
) -> list[float]:
    """Listed strikes beyond ``short`` (outward -1: below, +1: above) at a distance within the
    rule table's widths: the narrowest and the widest such spread."""
    listed = e.quoted_strikes(right)
    distance = (listed - short) * outward
    fits = listed[(distance >= min(widths) - 1e-9) & (distance <= max(widths) + 1e-9)]
    if fits.size == 0:
        return []
    ordered = sorted(fits.tolist(), key=lambda k: abs(k - short))
    return list(dict.fromkeys([ordered[0], ordered[-1]]))


def _width_range(market: PlanningMarket, rules: PlannerRules) -> str:
    widths = rules.widths_for(market.spot)
    return f"{min(widths):g}–{max(widths):g} wide"


def _credit_frontier(
    market: PlanningMarket, e: ExpiryQuotes, right: OptionRight, em: float, rules: PlannerRules
) -> str | None:
    """Say where the credit minimum is first met, moving the short strike toward the money."""
    outward = -1 if right is PUT else 1
    listed = e.quoted_strikes(right)
    between = listed[(listed - market.spot) * outward > 0]
    for short in sorted(between.tolist(), key=lambda k: -abs(k - market.spot)):
        wings = _wings(e, right, short, rules.widths_for(market.spot), outward)
        if not wings:
            continue
        credit = market.quote(right, short, e.expiry).price
        credit -= market.quote(right, wings[0], e.expiry).price
        width = abs(wings[0] - short)
        if credit >= rules.min_credit_fraction * width:
            multiple = abs(short - market.spot) / em if em > 0 else math.nan
            return (
                f"outside the expected move no spread collects {rules.min_credit_fraction:.0%} "
                f"of its width; the minimum is first met at short {short:g} "
                f"({multiple:.2f}× the expected move, credit {credit:.2f} on {width:g} wide): "
                "lower the credit minimum or the expected-move multiple in the planner "
                "settings to consider it"
            )
    return None


def _credit_vertical(
    market: PlanningMarket,
    e: ExpiryQuotes,
    right: OptionRight,
    strikes: tuple[float, float],
    kind: str,
    em_text: str,
    rules: PlannerRules,
) -> Built:
    short, long = strikes
    width = abs(short - long)
    label = _label(kind, [short, long], e)
    built = _build(
        label, partial(t.vertical, market.underlying, market.quote, right, e.expiry, long, short)
    )
    if isinstance(built, Rejection):
        return built
    problem = _credit_check(built, width, rules)
    if problem:
        return Rejection(label, problem)
    side = "put" if right is PUT else "call"
    notes = (
        f"short {side} {short:g} is outside the {em_text}",
        f"width {width:g} within the rule table's {_width_range(market, rules)} "
        f"for a {market.spot:,.0f} underlying",
        _credit_note(built, width, rules),
    )
    return Draft(built, Family.CREDIT, notes, width)


def iron_condors(market: PlanningMarket, e: ExpiryQuotes, rules: PlannerRules) -> Iterator[Built]:
    """Iron condors with both short strikes outside the expected move."""
    em, em_text = _em_note(market, e, rules)
    puts = _highest_at_or_below(e, PUT, market.spot - em, 1)
    calls = _lowest_at_or_above(e, CALL, market.spot + em, 1)
    if not puts or not calls:
        yield Rejection("iron condor", f"no quoted strikes outside the {em_text}")
        return
    sp, sc = puts[0], calls[0]
    widths = rules.widths_for(market.spot)
    put_wings, call_wings = _wings(e, PUT, sp, widths, -1), _wings(e, CALL, sc, widths, 1)
    if not put_wings or not call_wings:
        yield Rejection(
            "iron condor", f"no wings {_width_range(market, rules)} beyond {sp:g}/{sc:g}"
        )
        return
    for lp, lc in zip(put_wings, call_wings, strict=False):
        yield _iron_condor(market, e, (lp, sp, sc, lc), em_text, rules)


def _iron_condor(
    market: PlanningMarket,
    e: ExpiryQuotes,
    strikes: tuple[float, float, float, float],
    em_text: str,
    rules: PlannerRules,
) -> Built:
    lp, sp, sc, lc = strikes
    width = max(sp - lp, lc - sc)
    label = _label("iron condor", list(strikes), e)
    built = _build(
        label, partial(t.iron_condor, market.underlying, market.quote, e.expiry, strikes)
    )
    if isinstance(built, Rejection):
        return built
    problem = _credit_check(built, width, rules)
    if problem:
        return Rejection(label, problem)
    notes = (
        f"short put {sp:g} and short call {sc:g} are outside the {em_text}",
        f"wings {sp - lp:g} and {lc - sc:g} wide within the rule table's "
        f"{_width_range(market, rules)}",
        _credit_note(built, width, rules),
    )
    return Draft(built, Family.CREDIT, notes, width)


def iron_butterflies(
    market: PlanningMarket, e: ExpiryQuotes, rules: PlannerRules
) -> Iterator[Built]:
    """An iron butterfly at the money with wings at the expected move."""
    em, em_text = _em_note(market, e, rules)
    center = _nearest(e, CALL, market.spot)
    upper = _nearest(e, CALL, market.spot + em) if center is not None else None
    if center is None or upper is None or upper <= center:
        yield Rejection("iron butterfly", "no strikes for a butterfly around the money")
        return
    wing = upper - center
    label = _label("iron butterfly", [center - wing, center, center + wing], e)
    if e.index(center - wing) is None:
        yield Rejection(label, f"no {center - wing:g} strike listed for the lower wing")
        return
    built = _build(
        label,
        lambda: t.iron_butterfly(market.underlying, market.quote, e.expiry, center, wing),
    )
    if isinstance(built, Rejection):
        yield built
        return
    notes = (
        f"short straddle at {center:g}, the strike nearest the price {market.spot:,.2f}",
        f"wings {wing:g} away at the {em_text}",
        _credit_note(built, wing, rules),
    )
    yield Draft(built, Family.CREDIT, notes, wing)


# ------------------------------------------------------------------ debit structures
def debit_verticals(
    market: PlanningMarket, e: ExpiryQuotes, bias: Bias, rules: PlannerRules
) -> Iterator[Built]:
    """Bull call (bull) or bear put (bear) debit spreads from the money to the target."""
    em, em_text = _em_note(market, e, rules)
    right = CALL if bias is Bias.BULL else PUT
    kind = "bull call debit spread" if bias is Bias.BULL else "bear put debit spread"
    sign = 1.0 if bias is Bias.BULL else -1.0
    long = _nearest(e, right, market.spot)
    for share, name in ((1.0, "expected-move target"), (0.5, "half-move target")):
        target = market.spot + sign * share * em
        short = _nearest(e, right, target)
        if long is None or short is None or sign * (short - long) <= 0:
            yield Rejection(kind, f"no strike between the money and the {name} {target:,.2f}")
            continue
        label = _label(kind, [long, short], e)
        built = _build(
            label,
            partial(t.vertical, market.underlying, market.quote, right, e.expiry, long, short),
        )
        if isinstance(built, Rejection):
            yield built
            continue
        notes = (
            f"long {long:g} at the money ({market.spot:,.2f})",
            f"short {short:g} at the {name} {target:,.2f} ({em_text})",
        )
        yield Draft(built, Family.DEBIT, notes, abs(short - long))


def long_options(
    market: PlanningMarket, e: ExpiryQuotes, bias: Bias, rules: PlannerRules
) -> Iterator[Built]:
    """A long call (bull) or put (bear) near 0.55 delta."""
    right = CALL if bias is Bias.BULL else PUT
    side = e.side(right)
    usable = np.isfinite(side.delta) & np.isfinite(side.mid)
    kind = "long call" if right is CALL else "long put"
    if not usable.any():
        yield Rejection(kind, f"no quoted {kind[5:]}s on {e.expiry:%b %d}")
        return
    i = int(np.argmin(np.where(usable, np.abs(np.abs(side.delta) - 0.55), np.inf)))
    strike = float(e.strikes[i])
    label = _label(kind, [strike], e)
    built = _build(
        label, lambda: t.long_option(market.underlying, market.quote, right, e.expiry, strike)
    )
    if isinstance(built, Rejection):
        yield built
        return
    note = f"strike {strike:g} has delta {side.delta[i]:+.2f}, the nearest to ±0.55"
    yield Draft(built, Family.DEBIT, (note, "risk is the premium paid; no cap on the gain"))


def butterflies(market: PlanningMarket, e: ExpiryQuotes, rules: PlannerRules) -> Iterator[Built]:
    """A long call butterfly centred at the money, wings half the expected move away."""
    em, em_text = _em_note(market, e, rules)
    center = _nearest(e, CALL, market.spot)
    upper = _nearest(e, CALL, market.spot + 0.5 * em) if center is not None else None
    if center is None or upper is None or upper <= center:
        yield Rejection("call butterfly", "no strikes for a butterfly around the money")
        return
    wing = upper - center
    strikes = (center - wing, center, center + wing)
    label = _label("call butterfly", list(strikes), e)
    if e.index(strikes[0]) is None:
        yield Rejection(label, f"no {strikes[0]:g} strike listed for the lower wing")
        return
    built = _build(
        label, lambda: t.butterfly(market.underlying, market.quote, CALL, e.expiry, strikes)
    )
    if isinstance(built, Rejection):
        yield built
        return
    notes = (
        f"centred at {center:g}, the strike nearest the price {market.spot:,.2f}",
        f"wings {wing:g} away: half the {em_text}",
    )
    yield Draft(built, Family.DEBIT, notes, wing)


def calendars(market: PlanningMarket, e: ExpiryQuotes, rules: PlannerRules) -> Iterator[Built]:
    """A long call calendar at the money: sell this expiration, buy one at least 21 days later."""
    later = [x for x in market.expiries if (x.expiry - e.expiry).days >= rules.calendar_gap_days]
    strike = _nearest(e, CALL, market.spot)
    if not later or strike is None:
        yield Rejection(
            "call calendar",
            f"no analysed expiration {rules.calendar_gap_days}+ days after {e.expiry:%b %d}",
        )
        return
    far = later[0]
    label = f"call calendar {strike:g} {e.expiry:%b %d}/{far.expiry:%b %d}"
    built = _build(
        label,
        lambda: t.calendar(market.underlying, market.quote, CALL, strike, e.expiry, far.expiry),
    )
    if isinstance(built, Rejection):
        yield built
        return
    notes = (
        f"strike {strike:g} nearest the price {market.spot:,.2f}",
        f"sells {e.expiry:%b %d} ({e.dte} DTE, IV {e.atm_iv:.1%}), "
        f"buys {far.expiry:%b %d} ({far.dte} DTE, IV {far.atm_iv:.1%})",
    )
    yield Draft(built, Family.DEBIT, notes)
