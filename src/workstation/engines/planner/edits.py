"""Keyboard edits of a planned trade: move a strike, change the width or expiry, flip, add, remove.

Every edit returns a new strategy whose changed legs are re-priced at the
market's mid and IV, and whose kind is re-derived from its legs. An edit the
market cannot support (no listed strike that way, an unquoted contract)
raises EditError saying what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

import numpy as np

from workstation.domain.occ import OptionRight
from workstation.domain.strategies import Leg, OptionLeg, Strategy, StrategyError, strike_text
from workstation.engines.planner.market import ExpiryQuotes, PlanningMarket
from workstation.engines.strategies.classify import kind_of

_LEG = re.compile(
    r"^\s*(?P<qty>[+-]?\d+)\s*(?P<right>[CP])\s*(?P<strike>\d+(?:\.\d{1,3})?)"
    r"(?:\s+(?P<expiry>\d{4}-\d{2}-\d{2}|[A-Z]{3}\s?\d{1,2}))?\s*$",
    re.IGNORECASE,
)


class EditError(ValueError):
    """An edit the market cannot support; the message says what is missing."""


def requote(market: PlanningMarket, leg: OptionLeg) -> OptionLeg:
    """Return ``leg`` priced at its contract's mid and IV now."""
    quote = market.quote(leg.right, float(leg.strike), leg.expiry)
    if not quote.price >= 0:
        side = "call" if leg.is_call else "put"
        raise EditError(f"no quote for the {strike_text(leg.strike)} {side} on {leg.expiry}")
    return replace(leg, price=Decimal(f"{quote.price:.4f}"), iv=quote.iv)


def _rebuilt(strategy: Strategy, legs: Sequence[Leg]) -> Strategy:
    try:
        return Strategy(strategy.underlying, kind_of(legs), tuple(legs))
    except StrategyError as exc:
        raise EditError(str(exc)) from None


def _option(strategy: Strategy, index: int) -> OptionLeg:
    if not 0 <= index < len(strategy.legs):
        raise EditError(f"no leg {index + 1}: the trade has {len(strategy.legs)}")
    leg = strategy.legs[index]
    if not isinstance(leg, OptionLeg):
        raise EditError(f"leg {index + 1} is stock: only option legs can be edited this way")
    return leg


def _expiry(market: PlanningMarket, day: date) -> ExpiryQuotes:
    found = market.expiry(day)
    if found is None:
        raise EditError(f"{day} is not an analysed expiration")
    return found


def _step(market: PlanningMarket, leg: OptionLeg, steps: int) -> Decimal:
    """Return the listed strike ``steps`` away from ``leg``'s (+: higher)."""
    listed = _expiry(market, leg.expiry).quoted_strikes(leg.right)
    here = int(np.searchsorted(listed, float(leg.strike) - 1e-9))
    if here >= listed.size or abs(listed[here] - float(leg.strike)) > 1e-6:
        here = int(np.argmin(np.abs(listed - float(leg.strike))))
    target = here + steps
    if not 0 <= target < listed.size:
        way = "higher" if steps > 0 else "lower"
        raise EditError(f"no quoted strike {way} than {strike_text(leg.strike)} on {leg.expiry}")
    return Decimal(f"{listed[target]:.3f}").normalize()


def move_strike(market: PlanningMarket, strategy: Strategy, index: int, steps: int) -> Strategy:
    """Move leg ``index`` ``steps`` listed strikes (+: up) and re-price it."""
    leg = _option(strategy, index)
    moved = requote(market, replace(leg, strike=_step(market, leg, steps)))
    legs = list(strategy.legs)
    legs[index] = moved
    return _rebuilt(strategy, legs)


def change_width(market: PlanningMarket, strategy: Strategy, steps: int) -> Strategy:
    """Move the long wing legs ``steps`` listed strikes away from the shorts (+: wider)."""
    options = strategy.option_legs
    shorts = [leg for leg in options if leg.quantity < 0]
    wings = [
        i for i, leg in enumerate(strategy.legs) if isinstance(leg, OptionLeg) and leg.quantity > 0
    ]
    if not shorts or not wings:
        raise EditError(f"a {strategy.kind} has no short and long legs to set a width between")
    legs = list(strategy.legs)
    for i in wings:
        leg = legs[i]
        assert isinstance(leg, OptionLeg)
        nearest = min(shorts, key=lambda s: abs(float(s.strike - leg.strike)))
        outward = 1 if leg.strike > nearest.strike else -1
        legs[i] = requote(market, replace(leg, strike=_step(market, leg, outward * steps)))
    return _rebuilt(strategy, legs)


def change_expiry(
    market: PlanningMarket, strategy: Strategy, steps: int, index: int | None = None
) -> Strategy:
    """Move every option leg (or only leg ``index``) ``steps`` expirations later (+) or earlier."""
    days = [e.expiry for e in market.expiries]
    chosen = range(len(strategy.legs)) if index is None else [index]
    legs = list(strategy.legs)
    for i in chosen:
        leg = legs[i] if index is None else _option(strategy, i)
        if not isinstance(leg, OptionLeg):
            continue
        at = days.index(leg.expiry) if leg.expiry in days else -1
        target = at + steps
        if at < 0 or not 0 <= target < len(days):
            way = "later" if steps > 0 else "earlier"
            raise EditError(f"no analysed expiration {way} than {leg.expiry}")
        legs[i] = requote(market, replace(leg, expiry=days[target]))
    return _rebuilt(strategy, legs)


def flip(market: PlanningMarket, strategy: Strategy, index: int) -> Strategy:
    """Turn leg ``index`` from long to short or back (same contract and size)."""
    leg = _option(strategy, index)
    legs = list(strategy.legs)
    legs[index] = requote(market, replace(leg, quantity=-leg.quantity))
    return _rebuilt(strategy, legs)


def remove_leg(strategy: Strategy, index: int) -> Strategy:
    """Drop leg ``index`` (a trade keeps at least one leg)."""
    _option(strategy, index)
    if len(strategy.legs) == 1:
        raise EditError("a trade needs at least one leg")
    legs = [leg for i, leg in enumerate(strategy.legs) if i != index]
    return _rebuilt(strategy, legs)


def add_leg(market: PlanningMarket, strategy: Strategy, text: str, default: date) -> Strategy:
    """Add a leg typed as ``+1 C 750``, ``-2 P 700.5 2026-12-18`` or ``-1 P 700 DEC18``.

    Without an expiry the leg takes ``default``; a month-day expiry is the
    nearest analysed expiration on that date.
    """
    match = _LEG.match(text)
    if match is None:
        raise EditError(
            f"cannot read {text!r}: type QTY C|P STRIKE [EXPIRY], e.g. +1 C 750 or -1 P 700 DEC18"
        )
    quantity = int(match["qty"])
    if quantity == 0:
        raise EditError(f"{text!r}: the quantity is zero")
    expiry = _parse_expiry(market, match["expiry"]) if match["expiry"] else default
    leg = OptionLeg(
        OptionRight(match["right"].upper()), Decimal(match["strike"]), expiry, quantity, Decimal(0)
    )
    return _rebuilt(strategy, [*strategy.legs, requote(market, leg)])


def _parse_expiry(market: PlanningMarket, text: str) -> date:
    if "-" in text:
        return date.fromisoformat(text)
    cleaned = text.replace(" ", "").upper()
    for e in market.expiries:
        if cleaned in {f"{e.expiry:%b%d}".upper(), f"{e.expiry:%b}{e.expiry.day}".upper()}:
            return e.expiry
    raise EditError(f"no analysed expiration on {text}")
