"""P&L assembly: entry delta from fill prices, delta buckets, the net-liq bridge identity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.instruments import InstrumentKind
from workstation.domain.lots import PnlConvention
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import PositionEffect, Transaction, TransactionKind
from workstation.engines.classify import classify
from workstation.engines.ledger import rebuild, unrealized
from workstation.engines.pnl.entry_delta import entry_deltas
from workstation.engines.pnl.netliq import netliq_bridge
from workstation.engines.pnl.view import DEFAULT_DELTA_EDGES, delta_bucket
from workstation.engines.pricing import bsm

OPENED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
EXPIRY = date(2026, 4, 1)  # 30 days


def _put(key: str, strike: str, quantity: int, price: float, order: str = "1") -> Transaction:
    return Transaction(
        "tastytrade", "A", key, TransactionKind.TRADE, OPENED,
        instrument=InstrumentKind.EQUITY_OPTION,
        symbol=f"SPY   260401P00{int(Decimal(strike) * 1000):06d}", underlying="SPY",
        expiry=EXPIRY, strike=Decimal(strike), right=OptionRight.PUT, multiplier=Decimal(100),
        quantity=Decimal(quantity), price=Decimal(str(price)),
        value=Decimal(str(round(-quantity * price * 100, 2))),
        effect=PositionEffect.OPEN, order_id=order,
    )  # fmt: skip


def test_entry_delta_of_a_short_put_is_its_bsm_delta_in_shares() -> None:
    t, sigma = 30 / 365, 0.20
    premium = float(bsm.price(False, 500.0, 480.0, t, 0.04, sigma))
    row = _put("p", "480", -1, round(premium, 2))
    groups = classify([row], {})
    deltas = entry_deltas(groups, {row.key: row}, lambda u, d: 500.0, rate=0.04)
    expected = -float(bsm.delta(False, 500.0, 480.0, t, 0.04, sigma)) * 100
    assert deltas[groups.groups[0].id] == pytest.approx(expected, abs=0.3)
    assert 10 < expected < 30  # a short OTM put is long delta


def test_entry_delta_is_unknown_without_an_underlying_price() -> None:
    row = _put("p", "480", -1, 2.5)
    groups = classify([row], {})
    assert entry_deltas(groups, {row.key: row}, lambda u, d: None) == {groups.groups[0].id: None}


def test_a_vertical_reads_per_unit() -> None:
    rows = [_put("s", "480", -2, 3.10), _put("l", "470", 2, 1.60)]
    groups = classify(rows, {})
    (gid,) = [g.id for g in groups.groups]
    one = entry_deltas(groups, {r.key: r for r in rows}, lambda u, d: 500.0)[gid]
    rows1 = [_put("s1", "480", -1, 3.10, "2"), _put("l1", "470", 1, 1.60, "2")]
    groups1 = classify(rows1, {})
    single = entry_deltas(groups1, {r.key: r for r in rows1}, lambda u, d: 500.0)
    assert one == single[groups1.groups[0].id]


@pytest.mark.parametrize(
    ("delta", "label"),
    [(None, "unknown"), (-60.0, "< -50"), (-50.0, "-50 to -20"), (0.0, "-5 to +5"),
     (16.0, "+5 to +20"), (50.0, ">= +50")],
)  # fmt: skip
def test_delta_buckets(delta: float | None, label: str) -> None:
    assert delta_bucket(delta, DEFAULT_DELTA_EDGES) == label


@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(50, 400), st.integers(1, 400)), min_size=1,
        max_size=6,
    ),
    st.integers(1, 500),
)  # fmt: skip
def test_the_bridge_explains_cash_plus_market_value_exactly(trades, mark_cents) -> None:  # type: ignore[no-untyped-def]
    deposit = Decimal(10_000)
    rows = [Transaction("tastytrade", "A", "dep", TransactionKind.DEPOSIT, OPENED, value=deposit)]
    for n, (qty, open_cents, close_cents) in enumerate(trades):
        opened = _put(f"o{n}", "480", qty, open_cents / 100, order=f"o{n}")
        rows.append(opened)
        if n % 2:  # close every other one
            rows.append(
                Transaction(
                    "tastytrade",
                    "A",
                    f"c{n}",
                    TransactionKind.TRADE,
                    datetime(2026, 3, 3, 15, n, tzinfo=UTC),
                    instrument=InstrumentKind.EQUITY_OPTION,
                    symbol=opened.symbol,
                    underlying="SPY",
                    expiry=EXPIRY,
                    strike=Decimal(480),
                    right=OptionRight.PUT,
                    multiplier=Decimal(100),
                    quantity=Decimal(-qty),
                    price=Decimal(close_cents) / 100,
                    value=Decimal(qty * close_cents),
                    commission=Decimal("0.65"),
                    effect=PositionEffect.CLOSE,
                )
            )
    ledger = rebuild(rows)
    mark = {rows[1].symbol: Decimal(mark_cents) / 100}
    end = unrealized(ledger.lots, mark)
    bridge = netliq_bridge(
        date(2026, 3, 1), date(2026, 3, 31), rows, ledger.matches, None, end,
        PnlConvention.OPTION_SEPARATE,
    )  # fmt: skip
    cash = sum((row.net_value for row in rows), Decimal(0))
    assert bridge.explained == cash + end.market_value


def test_a_close_outside_every_strategy_still_adds_up() -> None:
    from workstation.domain.lots import CloseReason, ClosingMatch
    from workstation.domain.trade_groups import Classification
    from workstation.engines.pnl.view import UNGROUPED, _Close, _grouped

    lieu = ClosingMatch(
        "A", "NVDA", "NVDA", InstrumentKind.EQUITY, "k", "k", OPENED, OPENED, Decimal("0.5"),
        Decimal(0), Decimal(0), Decimal("81.23"), Decimal(0), CloseReason.TRADE,
    )  # fmt: skip
    close = _Close(lieu, OPENED.date(), lieu.net, lieu.gross)
    table = _grouped([], [close], Classification((), (), {}), str)
    assert [(g.label, g.realized) for g in table] == [(UNGROUPED, Decimal("81.23"))]


def test_an_evening_close_counts_on_its_new_york_day() -> None:
    from workstation.engines.pnl.view import ViewRequest, build_view

    opened = _put("o", "480", -1, 2.0)
    evening = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)  # 22:00 ET on Mar 31, as the store keeps it
    closed = Transaction(
        "tastytrade", "A", "c", TransactionKind.TRADE, evening,
        instrument=InstrumentKind.EQUITY_OPTION, symbol=opened.symbol, underlying="SPY",
        expiry=EXPIRY, strike=Decimal(480), right=OptionRight.PUT, multiplier=Decimal(100),
        quantity=Decimal(1), price=Decimal("0.50"), value=Decimal(-50),
        effect=PositionEffect.CLOSE,
    )  # fmt: skip
    rows = [opened, closed]
    ledger = rebuild(rows)
    groups = classify(rows, {"c": ["o"]})
    march = ViewRequest(evening, date(2026, 3, 1), date(2026, 3, 31))
    view = build_view(march, rows, ledger, groups, unrealized(ledger.lots, {}), {})
    assert view.summary.closed_trades == 1
    assert view.summary.realized == Decimal(150)
    assert [t.status.value for t in view.trades] == ["closed"]
