"""Schwab Trader API order JSON: the body of ``POST /trader/v1/accounts/{hash}/orders`` (not sent).

Shape, as in schwab-py's order templates (``schwab.orders.options`` and
``schwab.orders.common``) and the Schwab order samples: ``orderType`` LIMIT
for one leg, NET_DEBIT / NET_CREDIT for a spread, with ``price`` an unsigned
string per unit of the structure; ``session`` NORMAL; ``duration`` DAY or
GOOD_TILL_CANCEL; ``orderStrategyType`` SINGLE; ``complexOrderStrategyType``
naming the structure (VERTICAL, IRON_CONDOR, BUTTERFLY, STRADDLE, STRANGLE,
CALENDAR, DIAGONAL, COVERED, BACK_RATIO, CUSTOM; NONE for one leg). A
spread also carries the number of units in ``quantity``, as schwab-py's
vertical templates do. Each leg in ``orderLegCollection`` has an
``instruction`` (options BUY_TO_OPEN / SELL_TO_OPEN; stock BUY, or
SELL_SHORT to open a short), a positive ``quantity`` and an ``instrument``
with the padded OCC ``symbol`` and ``assetType`` OPTION or EQUITY.
"""

from __future__ import annotations

import json
from typing import Any

from workstation.domain.strategies import StrategyKind as K
from workstation.reports.orders.opening import OpeningOrder, OrderLine, PriceEffect, TimeInForce

_DURATION = {TimeInForce.DAY: "DAY", TimeInForce.GTC: "GOOD_TILL_CANCEL"}
# Schwab's name for each structure and the leg count it expects; anything
# else (an iron butterfly has no Schwab type) is sent as CUSTOM.
_COMPLEX: dict[K, tuple[str, int]] = {
    K.BULL_CALL_DEBIT: ("VERTICAL", 2),
    K.BEAR_PUT_DEBIT: ("VERTICAL", 2),
    K.BULL_PUT_CREDIT: ("VERTICAL", 2),
    K.BEAR_CALL_CREDIT: ("VERTICAL", 2),
    K.IRON_CONDOR: ("IRON_CONDOR", 4),
    K.CALL_BUTTERFLY: ("BUTTERFLY", 3),
    K.PUT_BUTTERFLY: ("BUTTERFLY", 3),
    K.LONG_STRADDLE: ("STRADDLE", 2),
    K.SHORT_STRADDLE: ("STRADDLE", 2),
    K.LONG_STRANGLE: ("STRANGLE", 2),
    K.SHORT_STRANGLE: ("STRANGLE", 2),
    K.CALL_CALENDAR: ("CALENDAR", 2),
    K.PUT_CALENDAR: ("CALENDAR", 2),
    K.CALL_DIAGONAL: ("DIAGONAL", 2),
    K.PUT_DIAGONAL: ("DIAGONAL", 2),
    K.COVERED_CALL: ("COVERED", 2),
}


def schwab_order(order: OpeningOrder) -> dict[str, Any]:
    """Return the order as Schwab's JSON object (a dict of JSON-ready values)."""
    body: dict[str, Any] = {
        "orderType": _order_type(order),
        "session": "NORMAL",
        "price": order.limit_text,
        "duration": _DURATION[order.time_in_force],
        "orderStrategyType": "SINGLE",
        "complexOrderStrategyType": complex_order_strategy_type(order),
    }
    if not order.is_single_leg:
        body["quantity"] = order.units
    body["orderLegCollection"] = [_leg(line) for line in order.lines]
    return body


def schwab_json(order: OpeningOrder) -> str:
    """Return the Schwab order as indented JSON text."""
    return json.dumps(schwab_order(order), indent=2)


def complex_order_strategy_type(order: OpeningOrder) -> str:
    """Return Schwab's name for the structure: NONE for one leg, CUSTOM when unnamed."""
    if order.is_single_leg:
        return "NONE"
    kind = order.strategy.kind
    if kind in {K.CALL_RATIO_SPREAD, K.PUT_RATIO_SPREAD}:
        return "BACK_RATIO" if _more_bought_than_sold(order) else "CUSTOM"
    name, legs = _COMPLEX.get(kind, ("CUSTOM", len(order.lines)))
    return name if legs == len(order.lines) else "CUSTOM"


def _more_bought_than_sold(order: OpeningOrder) -> bool:
    bought = sum(line.quantity for line in order.lines if line.is_buy)
    sold = sum(line.quantity for line in order.lines if not line.is_buy)
    return bought > sold


def _order_type(order: OpeningOrder) -> str:
    if order.is_single_leg:
        return "LIMIT"
    return "NET_DEBIT" if order.effect is PriceEffect.DEBIT else "NET_CREDIT"


def _leg(line: OrderLine) -> dict[str, Any]:
    return {
        "instruction": _instruction(line),
        "quantity": line.quantity,
        "instrument": {
            "symbol": line.symbol,
            "assetType": "OPTION" if line.is_option else "EQUITY",
        },
    }


def _instruction(line: OrderLine) -> str:
    if line.is_option:
        return "BUY_TO_OPEN" if line.is_buy else "SELL_TO_OPEN"
    return "BUY" if line.is_buy else "SELL_SHORT"
