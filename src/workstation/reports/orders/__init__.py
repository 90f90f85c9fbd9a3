"""Broker-ready order templates for a planned trade: Tastytrade JSON, Schwab JSON, a ticket.

Nothing here sends an order. ``export_order`` is the one entry point; the
pieces (``opening_order`` and the per-format renderers) are public for
callers that want the dict rather than the text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

from workstation.domain.strategies import Strategy
from workstation.reports.orders.opening import (
    OpeningOrder,
    OrderLine,
    PriceEffect,
    RootChoice,
    TimeInForce,
    opening_order,
    roots_of,
)
from workstation.reports.orders.roots import option_root, option_roots
from workstation.reports.orders.schwab import schwab_json, schwab_order
from workstation.reports.orders.tastytrade import tastytrade_json, tastytrade_order
from workstation.reports.orders.ticket import order_ticket

OrderFormat = Literal["tastytrade", "schwab", "ticket"]
FORMATS: tuple[OrderFormat, ...] = ("tastytrade", "schwab", "ticket")

__all__ = [
    "FORMATS",
    "OpeningOrder",
    "OrderFormat",
    "OrderLine",
    "PriceEffect",
    "RootChoice",
    "TimeInForce",
    "export_order",
    "opening_order",
    "option_root",
    "option_roots",
    "order_ticket",
    "roots_of",
    "schwab_json",
    "schwab_order",
    "tastytrade_json",
    "tastytrade_order",
]


def export_order(
    strategy: Strategy,
    root: RootChoice,
    limit: Decimal,
    fmt: OrderFormat,
    *,
    quantity: int = 1,
    time_in_force: TimeInForce | str = TimeInForce.DAY,
    effect: PriceEffect | str | None = None,
) -> str:
    """Return ``strategy`` as an opening order in ``fmt``: JSON text or a plain ticket.

    ``root`` is the OCC option root (or expiration -> root, see
    ``option_roots``); ``limit`` the net price per share (> 0); ``quantity``
    multiplies every leg; ``effect`` (Debit/Credit) defaults to what the legs
    imply. Raise ValueError saying what is wrong with the strategy or terms.
    """
    render = _RENDERERS.get(fmt)
    if render is None:
        raise ValueError(f"order format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return render(
        opening_order(
            strategy, root, limit, quantity=quantity, time_in_force=time_in_force, effect=effect
        )
    )


_RENDERERS: dict[str, Callable[[OpeningOrder], str]] = {
    "tastytrade": tastytrade_json,
    "schwab": schwab_json,
    "ticket": order_ticket,
}
