"""Account histories for the fake tastytrade server, in the API's wire shape.

``generate_transactions(n, seed=...)`` makes ``n`` realistic transaction
items, oldest first with ascending ids: short puts closed, expired or
assigned (option removal plus the stock delivery), debit verticals sharing
an order id, stock round trips, deposits, withdrawals, interest, dividends,
fees and fee reversals (``reverses-id``). The same seed gives the same items.
``tastytrade_samples.sample_history`` wraps them into a whole account.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
ACCOUNT = "5WT00001"
CENT = Decimal("0.01")
Item = dict[str, Any]
UNDERLYINGS = {"SPY": 500, "QQQ": 440, "AAPL": 190, "IWM": 205, "TSLA": 240, "XLE": 90}


@dataclass
class TastytradeHistory:
    """Everything the fake serves, keyed by account number where it belongs to one."""

    accounts: list[Item] = field(default_factory=list)
    balances: dict[str, Item] = field(default_factory=dict)
    positions: dict[str, list[Item]] = field(default_factory=dict)
    transactions: dict[str, list[Item]] = field(default_factory=dict)
    snapshots: dict[str, list[Item]] = field(default_factory=dict)
    orders: dict[str, list[Item]] = field(default_factory=dict)
    trading_status: dict[str, Item] = field(default_factory=dict)
    chains: dict[str, list[Item]] = field(default_factory=dict)
    metrics: dict[str, Item] = field(default_factory=dict)
    quotes: dict[str, Item] = field(default_factory=dict)
    quote_token: Item = field(default_factory=dict)


# ------------------------------------------------------------------ formatting


def stamp(moment: datetime) -> str:
    """Return the API's executed-at form: ``2026-01-06T14:45:12.123+00:00``."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+00:00"


def money(value: Decimal) -> tuple[str, str]:
    """Return (unsigned amount, effect) as the API writes a signed dollar amount."""
    if value == 0:
        return "0.0", "None"
    return str(abs(value)), "Credit" if value > 0 else "Debit"


def occ(root: str, expiry: date, right: str, strike: Decimal) -> str:
    """Return the padded OCC symbol (``SPY   260220P00560000``)."""
    return f"{root:<6}{expiry:%y%m%d}{right}{int(strike * 1000):08d}"


def item(
    *,
    account: str,
    type_: str,
    sub_type: str,
    description: str,
    value: Decimal = Decimal(0),
    action: str | None = None,
    symbol: str | None = None,
    underlying: str | None = None,
    instrument: str | None = None,
    quantity: Decimal = Decimal(0),
    price: Decimal | None = None,
    commission: Decimal = Decimal(0),
    clearing: Decimal = Decimal(0),
    regulatory: Decimal = Decimal(0),
    order_id: int | None = None,
    legs: int | None = None,
) -> Item:
    """Return a transaction item without id and times (fees are positive amounts paid)."""
    fees = commission + clearing + regulatory
    row: Item = {
        "account-number": account,
        "transaction-type": type_,
        "transaction-sub-type": sub_type,
        "description": description,
        "quantity": str(quantity),
        "is-estimated-fee": True,
        "currency": "USD",
    }
    for name, amount in (
        ("value", value),
        ("net-value", value - fees),
        ("commission", -commission),
        ("clearing-fees", -clearing),
        ("regulatory-fees", -regulatory),
        ("proprietary-index-option-fees", Decimal(0)),
    ):
        row[name], row[f"{name}-effect"] = money(amount)
    optional = {
        "action": action,
        "symbol": symbol,
        "underlying-symbol": underlying,
        "instrument-type": instrument,
        "price": None if price is None else str(price),
        "order-id": order_id,
        "leg-count": legs,
    }
    row.update({key: value for key, value in optional.items() if value is not None})
    return row


# ------------------------------------------------------------------ the generator


class _Story:
    """Builds the rows of one generated history; ``emit`` assigns ids and times."""

    def __init__(self, account: str, seed: int, start: datetime, first_id: int) -> None:
        self.account = account
        self.rng = random.Random(seed)
        self.cursor = start
        self.next_id = first_id
        self.next_order = 700_000 + seed * 10_000
        self.pending: list[tuple[datetime, int, Item]] = []
        self.serial = 0
        self.out: list[Item] = []

    def later(self, when: datetime, row: Item) -> None:
        self.serial += 1
        heapq.heappush(self.pending, (when, self.serial, row))

    def emit(self, when: datetime, row: Item) -> Item:
        row = {"id": self.next_id, **row}
        self.next_id += 1
        row["executed-at"] = stamp(when)
        row["transaction-date"] = when.astimezone(NEW_YORK).date().isoformat()
        self.out.append(row)
        return row

    def order(self) -> int:
        self.next_order += 1
        return self.next_order

    def advance(self) -> None:
        self.cursor += timedelta(minutes=self.rng.randint(5, 55), seconds=self.rng.randint(0, 59))
        self.cursor += timedelta(milliseconds=self.rng.randint(0, 999))
        close = self.cursor.replace(hour=20, minute=55)
        if self.cursor >= close:
            self.cursor = _next_session(self.cursor)

    def session_time(self, day: date) -> datetime:
        minute = self.rng.randint(0, 5 * 60)
        return datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC) + timedelta(
            minutes=minute, seconds=self.rng.randint(0, 59)
        )


def _next_session(moment: datetime) -> datetime:
    day = moment.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 14, 31, tzinfo=UTC)


def _friday_after(day: date, days: int) -> date:
    target = day + timedelta(days=days)
    return target + timedelta(days=(4 - target.weekday()) % 7)


def generate_transactions(
    n: int,
    *,
    account: str = ACCOUNT,
    seed: int = 1,
    start: datetime = datetime(2024, 1, 2, 14, 35, tzinfo=UTC),
    first_id: int = 100_000_001,
) -> list[Item]:
    """Return ``n`` transaction items in the API's shape, oldest first, ids ascending."""
    story = _Story(account, seed, start, first_id)
    makers = (_short_put, _vertical, _stock_round_trip, _money, _fee_reversal)
    weights = (35, 20, 20, 15, 10)
    while len(story.out) < n:
        while story.pending and story.pending[0][0] <= story.cursor and len(story.out) < n:
            when, _, row = heapq.heappop(story.pending)
            story.emit(when, row)
        if len(story.out) >= n:
            break
        story.rng.choices(makers, weights)[0](story)
        story.advance()
    return story.out[:n]


def _option_trade(
    story: _Story, symbol: str, root: str, action: str, qty: int, price: Decimal, order: int
) -> Item:
    opening = action.endswith("Open")
    value = price * 100 * qty * (1 if action.startswith("Sell") else -1)
    verb = "Sold" if value > 0 else "Bought"
    return item(
        account=story.account,
        type_="Trade",
        sub_type=action,
        description=f"{verb} {qty} {symbol.split(maxsplit=1)[0]} @ {price}",
        value=value,
        action=action,
        symbol=symbol,
        underlying=root,
        instrument="Equity Option",
        quantity=Decimal(qty),
        price=price,
        commission=Decimal(qty) if opening else Decimal(0),
        clearing=Decimal("0.10") * qty,
        regulatory=Decimal("0.04") * qty,
        order_id=order,
        legs=1,
    )


def _removal(story: _Story, symbol: str, root: str, short: bool, qty: int, why: str) -> Item:
    return item(
        account=story.account,
        type_="Receive Deliver",
        sub_type=why,
        description=f"Removal of option due to {why.lower()}",
        action="Buy to Close" if short else "Sell to Close",
        symbol=symbol,
        underlying=root,
        instrument="Equity Option",
        quantity=Decimal(qty),
        price=Decimal(0),
    )


def _strike(story: _Story, root: str, offset: float) -> Decimal:
    spot = UNDERLYINGS[root] * story.rng.uniform(0.9, 1.1)
    return Decimal(round(spot * offset))


def _premium(story: _Story) -> Decimal:
    return Decimal(story.rng.randint(40, 900)) / 100


def _short_put(story: _Story) -> None:
    root = story.rng.choice(list(UNDERLYINGS))
    qty = story.rng.randint(1, 3)
    expiry = _friday_after(story.cursor.date(), story.rng.randint(7, 45))
    strike = _strike(story, root, 0.95)
    symbol = occ(root, expiry, "P", strike)
    story.emit(
        story.cursor,
        _option_trade(story, symbol, root, "Sell to Open", qty, _premium(story), story.order()),
    )
    ending = datetime(expiry.year, expiry.month, expiry.day, 21, 0, tzinfo=UTC)
    fate = story.rng.random()
    if fate < 0.4:
        day = story.cursor.date() + timedelta(
            days=story.rng.randint(1, (expiry - story.cursor.date()).days)
        )
        when = min(story.session_time(day if day.weekday() < 5 else expiry), ending)
        row = _option_trade(
            story, symbol, root, "Buy to Close", qty, _premium(story), story.order()
        )
        story.later(when, row)
    elif fate < 0.8:
        story.later(ending, _removal(story, symbol, root, True, qty, "Expiration"))
    else:
        story.later(ending, _removal(story, symbol, root, True, qty, "Assignment"))
        story.later(ending, _delivery(story, root, strike, qty))


def _delivery(story: _Story, root: str, strike: Decimal, qty: int) -> Item:
    shares = 100 * qty
    return item(
        account=story.account,
        type_="Receive Deliver",
        sub_type="Buy to Open",
        description=f"Buy to Open {shares} {root} @ {strike}",
        value=-strike * shares,
        action="Buy to Open",
        symbol=root,
        underlying=root,
        instrument="Equity",
        quantity=Decimal(shares),
        price=strike,
        clearing=Decimal("5.00"),
    )


def _vertical(story: _Story) -> None:
    root = story.rng.choice(list(UNDERLYINGS))
    qty = story.rng.randint(1, 5)
    expiry = _friday_after(story.cursor.date(), story.rng.randint(14, 60))
    low = _strike(story, root, 1.0)
    high = low + Decimal(5)
    long_leg, short_leg = occ(root, expiry, "C", low), occ(root, expiry, "C", high)
    long_price = _premium(story) + Decimal(1)
    short_price = max(CENT, long_price - Decimal(story.rng.randint(20, 90)) / 100)
    order = story.order()
    story.emit(
        story.cursor, _option_trade(story, long_leg, root, "Buy to Open", qty, long_price, order)
    )
    story.emit(
        story.cursor, _option_trade(story, short_leg, root, "Sell to Open", qty, short_price, order)
    )
    ending = datetime(expiry.year, expiry.month, expiry.day, 21, 0, tzinfo=UTC)
    if story.rng.random() < 0.6:
        close = story.order()
        when = ending - timedelta(days=story.rng.randint(1, 10), hours=3)
        sell = _option_trade(story, long_leg, root, "Sell to Close", qty, long_price, close)
        buy = _option_trade(story, short_leg, root, "Buy to Close", qty, short_price, close)
        story.later(when, sell)
        story.later(when, buy)
    else:
        story.later(ending, _removal(story, long_leg, root, False, qty, "Expiration"))
        story.later(ending, _removal(story, short_leg, root, True, qty, "Expiration"))


def _stock_trade(story: _Story, root: str, action: str, shares: int, price: Decimal) -> Item:
    value = price * shares * (1 if action.startswith("Sell") else -1)
    return item(
        account=story.account,
        type_="Trade",
        sub_type=action,
        description=f"{'Sold' if value > 0 else 'Bought'} {shares} {root} @ {price}",
        value=value,
        action=action,
        symbol=root,
        underlying=root,
        instrument="Equity",
        quantity=Decimal(shares),
        price=price,
        clearing=Decimal("0.01"),
        order_id=story.order(),
        legs=1,
    )


def _stock_round_trip(story: _Story) -> None:
    root = story.rng.choice(list(UNDERLYINGS))
    shares = story.rng.choice((10, 25, 50, 100))
    price = (Decimal(UNDERLYINGS[root]) * Decimal(story.rng.uniform(0.9, 1.1))).quantize(CENT)
    story.emit(story.cursor, _stock_trade(story, root, "Buy to Open", shares, price))
    exit_price = (price * Decimal(story.rng.uniform(0.95, 1.05))).quantize(CENT)
    when = story.cursor + timedelta(days=story.rng.randint(0, 20), minutes=story.rng.randint(1, 90))
    story.later(when, _stock_trade(story, root, "Sell to Close", shares, exit_price))


_MONEY = (
    ("Deposit", "ACH DEPOSIT", 1),
    ("Withdrawal", "Wire Funds Disbursed", -1),
    ("Credit Interest", "INTEREST ON CREDIT BALANCE", 1),
    ("Dividend", "DIVIDEND", 1),
    ("Fee", "Wire transfer fee", -1),
)


def _money(story: _Story) -> None:
    sub_type, description, sign = story.rng.choice(_MONEY)
    amount = Decimal(story.rng.randint(100, 500_000)) / 100 * sign
    symbol = story.rng.choice(list(UNDERLYINGS)) if sub_type == "Dividend" else None
    row = item(
        account=story.account,
        type_="Money Movement",
        sub_type=sub_type,
        description=description,
        value=amount,
        symbol=symbol,
        underlying=symbol,
        instrument="Equity" if symbol else None,
    )
    story.emit(story.cursor, row)


def _fee_reversal(story: _Story) -> None:
    amount = Decimal(story.rng.randint(100, 5_000)) / 100
    fee = item(
        account=story.account,
        type_="Money Movement",
        sub_type="Fee",
        description="Regulatory fee adjustment",
        value=-amount,
    )
    first = story.emit(story.cursor, fee)
    reversal = {
        **item(
            account=story.account,
            type_="Money Movement",
            sub_type="Fee",
            description="Reversal: regulatory fee adjustment",
            value=amount,
        ),
        "reverses-id": first["id"],
    }
    story.later(story.cursor + timedelta(days=1), reversal)
