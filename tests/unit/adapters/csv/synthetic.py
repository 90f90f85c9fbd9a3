"""Generate large, valid tastytrade current-generation exports for volume tests.

Deterministic for a seed: option fills over 40 underlyings and a few hundred
contracts, stock fills and cash rows, newest first, formatted as the broker
writes them (quoted thousands separators, ``--`` for no commission, offsets
without a colon).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

HEADER = (
    "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,"
    "Average Price,Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,"
    "Expiration Date,Strike Price,Call or Put,Order #,Total,Currency"
)
# fmt: off
UNDERLYINGS = (
    "SPY", "QQQ", "IWM", "AAPL", "MSFT", "NVDA", "AMZN", "META", "GOOGL", "TSLA",
    "AMD", "NFLX", "JPM", "BAC", "XOM", "CVX", "KO", "PEP", "DIS", "BA",
    "GLD", "SLV", "TLT", "XLE", "XLF", "SMH", "ARKK", "COIN", "PLTR", "UBER",
    "SHOP", "CRM", "ORCL", "INTC", "MU", "QCOM", "AVGO", "COST", "WMT", "HD",
)
# fmt: on
EASTERN = timezone(timedelta(hours=-5))
_ACTIONS = (
    ("BUY_TO_OPEN", "Buy to Open", -1),
    ("SELL_TO_OPEN", "Sell to Open", 1),
    ("BUY_TO_CLOSE", "Buy to Close", -1),
    ("SELL_TO_CLOSE", "Sell to Close", 1),
)
CENT = Decimal("0.01")
CONTRACTS = 40_000


def money(value: Decimal) -> str:
    """Format dollars as tastytrade does: two decimals, thousands separators, quoted if needed."""
    text = f"{value:,.2f}"
    return f'"{text}"' if "," in text else text


def synthetic_export(rows: int, seed: int = 20260401) -> str:
    """Return the text of a current-generation export with ``rows`` data rows, newest first."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 2, 9, 30, tzinfo=EASTERN)
    lines = [_row(rng, start + timedelta(seconds=37 * n), n) for n in range(rows)]
    lines.reverse()
    return "\n".join([HEADER, *lines, ""])


def _row(rng: random.Random, when: datetime, n: int) -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S%z")
    pick = rng.random()
    if pick < 0.02:
        return _cash(stamp, rng)
    if pick < 0.12:
        return _stock(stamp, rng, n)
    return _option(stamp, rng, n)


def _option(stamp: str, rng: random.Random, n: int) -> str:
    # A pool of 40,000 contracts: about one distinct contract per 2.5 option
    # rows, as in a real history (opens, closes, rolls, expirations).
    contract = rng.randrange(CONTRACTS)
    root = UNDERLYINGS[contract % len(UNDERLYINGS)]
    expiry = date(2026, 1, 16) + timedelta(weeks=contract // 2000)
    strike = Decimal(100 + (contract // 80) % 25 * 5)
    right = "CP"[contract // len(UNDERLYINGS) % 2]
    occ = f"{root:<6}{expiry:%y%m%d}{right}{int(strike * 1000):08d}"
    action, sub_type, sign = rng.choice(_ACTIONS)
    quantity = rng.randrange(1, 11)
    premium = Decimal(rng.randrange(5, 2500)) / 100
    value = sign * premium * 100 * quantity
    commission = -Decimal(quantity) if sub_type.endswith("Open") else Decimal(0)
    fees = -(Decimal("0.14") * quantity).quantize(CENT)
    total = value + commission + fees
    words = "Bought" if sign < 0 else "Sold"
    described = f"{words} {quantity} {root} {expiry:%m/%d/%y} {right} {strike} @ {premium}"
    return ",".join(
        [
            stamp,
            "Trade",
            sub_type,
            action,
            occ,
            "Equity Option",
            described,
            money(value),
            str(quantity),
            money(sign * premium * 100),
            money(commission) if commission else "--",
            money(fees),
            "100",
            root,
            root,
            f"{expiry.month}/{expiry.day}/{expiry:%y}",
            str(strike),
            "CALL" if right == "C" else "PUT",
            str(500_000 + n // 2),
            money(total),
            "USD",
        ]
    )


def _stock(stamp: str, rng: random.Random, n: int) -> str:
    symbol = rng.choice(UNDERLYINGS)
    action, sub_type, sign = rng.choice(_ACTIONS)
    quantity = rng.randrange(1, 500)
    price = Decimal(rng.randrange(1000, 90000)) / 100
    value = sign * price * quantity
    fees = Decimal("-0.02") if sign > 0 else Decimal(0)
    return ",".join(
        [
            stamp,
            "Trade",
            sub_type,
            action,
            symbol,
            "Equity",
            f"{sub_type} {quantity} {symbol} @ {price}",
            money(value),
            str(quantity),
            money(sign * price),
            "0.00",
            money(fees),
            "1",
            "",
            "",
            "",
            "",
            "",
            str(500_000 + n // 2),
            money(value + fees),
            "USD",
        ]
    )


def _cash(stamp: str, rng: random.Random) -> str:
    sub_type, description, sign = rng.choice(
        [
            ("Deposit", "ACH DEPOSIT", 1),
            ("Withdrawal", "Wire Funds Disbursed", -1),
            ("Credit Interest", "INTEREST ON CREDIT BALANCE", 1),
        ]
    )
    value = sign * Decimal(rng.randrange(100, 2_000_000)) / 100
    cells = [stamp, "Money Movement", sub_type, "", "", "", description, money(value), "0"]
    return ",".join([*cells, "", "--", "0.00", "", "", "", "", "", "", "", money(value), "USD"])
