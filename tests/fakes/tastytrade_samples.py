"""A whole sample tastytrade account for the fake server, in the API's wire shape.

``sample_history(n)`` is one margin account with ``n`` generated transactions
(see ``tastytrade_history.generate_transactions``), balances, a short put and
a stock position, a month of end-of-day snapshots, orders in every status
(and one the client cannot know), trading status, a SPY chain, metrics,
quotes and a canary quote token.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tests.fakes.tastytrade_history import (
    ACCOUNT,
    UNDERLYINGS,
    Item,
    TastytradeHistory,
    generate_transactions,
    occ,
    stamp,
)


def sample_history(
    transactions: int = 40, *, account: str = ACCOUNT, seed: int = 1
) -> TastytradeHistory:
    """Return one margin account with ``transactions`` generated items and a little of all else."""
    rows = generate_transactions(transactions, account=account, seed=seed)
    expiry = date(2026, 2, 20)
    return TastytradeHistory(
        accounts=[
            {
                "account": {
                    "account-number": account,
                    "nickname": "Main",
                    "account-type-name": "Individual",
                    "margin-or-cash": "Margin",
                    "is-closed": False,
                },
                "authority-level": "owner",
            }
        ],
        balances={account: _balances(account)},
        positions={account: _positions(account, expiry)},
        transactions={account: rows},
        snapshots={account: _snapshots(account, date(2026, 1, 2), 30)},
        orders={account: _orders(account)},
        trading_status={
            account: {
                "account-number": account,
                "day-trade-count": 2,
                "is-pattern-day-trader": False,
                "pdt-reset-on": "2026-01-09",
                "updated-at": "2026-01-06T15:00:00.000+00:00",
            }
        },
        chains={"SPY": [_chain("SPY", [expiry, date(2026, 3, 20)], [550, 555, 560])]},
        metrics={symbol: _metrics(symbol) for symbol in ("SPY", "AAPL")},
        quotes={symbol: _quote(symbol, price) for symbol, price in UNDERLYINGS.items()},
        quote_token={
            "token": "CANARY-TT-QUOTE-TOKEN",
            "dxlink-url": "wss://127.0.0.1:1/realtime",
            "level": "api",
        },
    )


def _balances(account: str) -> Item:
    return {
        "account-number": account,
        "net-liquidating-value": "102345.67",
        "cash-balance": "45678.90",
        "derivative-buying-power": "60000.00",
        "equity-buying-power": "120000.00",
        "maintenance-requirement": "12000.50",
        "updated-at": "2026-01-06T15:00:00.000+00:00",
    }


def _positions(account: str, expiry: date) -> list[Item]:
    option = occ("SPY", expiry, "P", Decimal(560))
    return [
        {
            "account-number": account,
            "symbol": option,
            "instrument-type": "Equity Option",
            "underlying-symbol": "SPY",
            "quantity": "2",
            "quantity-direction": "Short",
            "average-open-price": "3.45",
            "close-price": "2.10",
            "multiplier": "100",
            "expires-at": f"{expiry.isoformat()}T21:00:00.000+00:00",
            "streamer-symbol": ".SPY260220P560",
        },
        {
            "account-number": account,
            "symbol": "AAPL",
            "instrument-type": "Equity",
            "underlying-symbol": "AAPL",
            "quantity": "100",
            "quantity-direction": "Long",
            "average-open-price": "231.50",
            "close-price": "229.10",
            "multiplier": "1",
        },
    ]


def _snapshots(account: str, first: date, days: int) -> list[Item]:
    out = []
    for n in range(days):
        day = first + timedelta(days=n)
        if day.weekday() >= 5:
            continue
        out.append(
            {
                "account-number": account,
                "snapshot-date": day.isoformat(),
                "net-liquidating-value": str(Decimal(100_000) + n * Decimal("123.45")),
                "cash-balance": "45000.00",
                "time-of-day": "EOD",
            }
        )
    return out


def _orders(account: str) -> list[Item]:
    statuses = ("Live", "Filled", "Cancelled", "Rejected", "Expired", "Routed", "Mystery State")
    return [
        {
            "id": 900_001 + n,
            "account-number": account,
            "status": status,
            "underlying-symbol": "SPY",
            "order-type": "Limit",
            "time-in-force": "Day",
            "price": "1.25",
            "price-effect": "Credit",
            "received-at": stamp(datetime(2026, 1, 5 + n, 15, 0, tzinfo=UTC)),
            "legs": [
                {
                    "symbol": "SPY   260220P00560000",
                    "instrument-type": "Equity Option",
                    "action": "Sell to Open",
                    "quantity": "1",
                }
            ],
        }
        for n, status in enumerate(statuses)
    ]


def _chain(root: str, expiries: list[date], strikes: list[int]) -> Item:
    return {
        "underlying-symbol": root,
        "root-symbol": root,
        "option-chain-type": "Standard",
        "shares-per-contract": 100,
        "expirations": [
            {
                "expiration-type": "Regular",
                "expiration-date": expiry.isoformat(),
                "days-to-expiration": 30,
                "settlement-type": "PM",
                "strikes": [
                    {
                        "strike-price": f"{strike}.0",
                        "call": occ(root, expiry, "C", Decimal(strike)),
                        "call-streamer-symbol": f".{root}{expiry:%y%m%d}C{strike}",
                        "put": occ(root, expiry, "P", Decimal(strike)),
                        "put-streamer-symbol": f".{root}{expiry:%y%m%d}P{strike}",
                    }
                    for strike in strikes
                ],
            }
            for expiry in expiries
        ],
    }


def _metrics(symbol: str) -> Item:
    return {
        "symbol": symbol,
        "implied-volatility-index": "0.1834",
        "implied-volatility-index-rank": "0.2561",
        "implied-volatility-percentile": "0.4102",
        "liquidity-rating": 4,
        "beta": "1.02",
        "earnings": {"expected-report-date": "2026-01-29"},
        "option-expiration-implied-volatilities": [
            {"expiration-date": "2026-02-20", "implied-volatility": "0.1712"}
        ],
    }


def _quote(symbol: str, price: int) -> Item:
    return {
        "symbol": symbol,
        "instrument-type": "Equity",
        "updated-at": "2026-01-06T15:00:00.000+00:00",
        "bid": f"{price - 0.01:.2f}",
        "ask": f"{price + 0.01:.2f}",
        "mid": f"{price:.2f}",
        "mark": f"{price:.2f}",
        "last": f"{price:.2f}",
        "prev-close": f"{price - 1:.2f}",
        "volume": "1234567",
    }
