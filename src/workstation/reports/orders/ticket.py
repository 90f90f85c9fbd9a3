"""A plain-text order ticket a trader can read aloud or retype into any broker."""

from __future__ import annotations

from workstation.reports.orders.opening import OpeningOrder, OrderLine, TimeInForce

_TIME_IN_FORCE = {
    TimeInForce.DAY: "Day (cancelled at today's close if not filled)",
    TimeInForce.GTC: "GTC (working until filled or cancelled)",
}
_HEADERS = ("#", "Action", "Qty", "Expiry", "Strike", "Type", "Symbol")
NOT_SENT = "NOT SENT: this ticket was not sent to any broker. Enter it yourself and review it."


def order_ticket(order: OpeningOrder) -> str:
    """Return the ticket: underlying, structure, legs, net limit, total, time in force.

    Prices are per share; the total is dollars for the whole order.
    """
    strategy = order.strategy
    effect = order.effect.value.lower()
    rows = [_row(n, line) for n, line in enumerate(order.lines, start=1)]
    lines = [
        f"ORDER TICKET: {strategy.underlying} {strategy.kind}",
        f"Underlying     {strategy.underlying}",
        f"Structure      {strategy.kind} ({_legs(len(order.lines))}) × {order.units}",
        "Legs",
        *_table(rows),
        f"Net limit      {order.limit_text} {effect} per share (limit order)",
        f"Total          ${order.total:,.2f} {effect} = {order.limit_text} × "
        f"{order.multiplier} shares per contract × {order.units}",
        f"Time in force  {_TIME_IN_FORCE[order.time_in_force]}",
        NOT_SENT,
    ]
    return "\n".join(lines)


def _legs(count: int) -> str:
    return "1 leg" if count == 1 else f"{count} legs"


def _row(number: int, line: OrderLine) -> tuple[str, ...]:
    action = "Buy to Open" if line.is_buy else "Sell to Open"
    if line.occ is None:
        return (str(number), action, f"{line.quantity} sh", "—", "—", "Stock", line.symbol)
    occ = line.occ
    right = "Call" if occ.is_call else "Put"
    strike = f"{occ.strike.normalize():f}"
    expiry = f"{occ.expiry:%Y-%m-%d %a}"
    return (str(number), action, str(line.quantity), expiry, strike, right, line.symbol)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(_HEADERS, *rows, strict=True)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  " + "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        )

    return [fmt(_HEADERS).rstrip(), *(fmt(row).rstrip() for row in rows)]
