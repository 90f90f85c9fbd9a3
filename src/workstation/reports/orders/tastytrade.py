"""Tastytrade order JSON: the body of ``POST /accounts/{account}/orders`` (not sent).

Shape, from developer.tastytrade.com ("Submitting an Order" and the
"Multi-leg spreads" guide): dasherized keys; ``price`` is a string and
always unsigned, with ``price-effect`` Debit (you pay) or Credit (you
receive); each leg has ``instrument-type`` (Equity Option, Equity),
``symbol`` (the padded OCC symbol for options), a positive whole
``quantity`` and ``action`` (Buy to Open, Sell to Open, ...). Equity option
orders take at most 4 legs, each a distinct symbol. The tastyware SDK
(``tastytrade.order.NewOrder``) takes a signed price in Python but sends the
same thing on the wire: ``abs(price)`` plus a computed ``price-effect``.
The price is per unit of the structure (1.09 for one 197.5/200 call spread);
leg quantities carry the size.
"""

from __future__ import annotations

import json
from typing import Any

from workstation.reports.orders.opening import OpeningOrder, OrderLine, TimeInForce

MAX_LEGS = 4
_TIME_IN_FORCE = {TimeInForce.DAY: "Day", TimeInForce.GTC: "GTC"}


def tastytrade_order(order: OpeningOrder) -> dict[str, Any]:
    """Return the order as Tastytrade's JSON object (a dict of JSON-ready values)."""
    if len(order.lines) > MAX_LEGS:
        raise ValueError(
            f"Tastytrade takes at most {MAX_LEGS} legs in one order; "
            f"this {order.strategy.kind} has {len(order.lines)}"
        )
    return {
        "time-in-force": _TIME_IN_FORCE[order.time_in_force],
        "order-type": "Limit",
        "price": order.limit_text,
        "price-effect": order.effect.value,
        "legs": [_leg(line) for line in order.lines],
    }


def tastytrade_json(order: OpeningOrder) -> str:
    """Return the Tastytrade order as indented JSON text."""
    return json.dumps(tastytrade_order(order), indent=2)


def _leg(line: OrderLine) -> dict[str, Any]:
    return {
        "instrument-type": "Equity Option" if line.is_option else "Equity",
        "symbol": line.symbol,
        "quantity": line.quantity,
        "action": "Buy to Open" if line.is_buy else "Sell to Open",
    }
