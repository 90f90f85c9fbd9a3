"""Ledger invariants on random trade tapes: stock and options (multiplier 100) with fees,
fills through zero, ties in time, expirations, assignments and exercises.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engines.ledger.rows import D, at, option, stock
from workstation.domain.lots import CostMethod, Ledger, PnlConvention
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import Transaction, TransactionKind
from workstation.engines.ledger import (
    market_value,
    net_cash_flow,
    realized,
    rebuild,
    unrealized,
)
from workstation.engines.ledger.events import delivered_quantity

ACCOUNTS = ("A", "B")
# (symbol, right, strike): stock when right is None.
INSTRUMENTS = (
    ("XYZ", None, None),
    ("ABC", None, None),
    ("XYZ", OptionRight.PUT, "50"),
    ("ABC", OptionRight.CALL, "20"),
)
prices = st.decimals(min_value=D("0.01"), max_value=D("150"), places=2)
fees = st.decimals(min_value=D(0), max_value=D(3), places=2)
CONVENTIONS = tuple(PnlConvention)


def _row(key: str, account: str, which: int, quantity: int, price: Decimal, fee: Decimal, minute):
    root, right, strike = INSTRUMENTS[which]
    if right is None:
        return stock(
            key,
            quantity * 10,
            str(price),
            fees=str(fee),
            symbol=root,
            when=at(minute),
            account=account,
        )
    return option(
        key,
        quantity,
        str(price),
        right=right,
        strike=strike,
        root=root,
        fees=str(fee),
        when=at(minute),
        account=account,
    )


@st.composite
def trades(draw, max_rows: int = 25) -> list[Transaction]:
    """Random fills; minutes are drawn from a small range so ties in time are common."""
    count = draw(st.integers(min_value=1, max_value=max_rows))
    return [
        _row(
            f"t{n:03d}",
            draw(st.sampled_from(ACCOUNTS)),
            draw(st.integers(0, len(INSTRUMENTS) - 1)),
            draw(st.integers(-6, 6).filter(bool)),
            draw(prices),
            draw(fees),
            draw(st.integers(0, 30)),
        )
        for n in range(count)
    ]


def _positions(rows: list[Transaction]) -> dict[tuple[str, str], Decimal]:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.kind.moves_position:
            totals[(row.account, row.symbol)] += row.quantity
    return {key: value for key, value in totals.items() if value}


def _option_events(rows: list[Transaction], choices: list[int]) -> list[Transaction]:
    """Expire, assign (short) or exercise (long) every open option, with the share delivery."""
    events = []
    options = {row.symbol: row for row in rows if row.is_option}
    for n, ((account, symbol), held) in enumerate(sorted(_positions(rows).items())):
        if symbol not in options:
            continue
        last = options[symbol]
        common = {"right": last.right, "strike": str(last.strike), "root": last.underlying}
        common |= {"when": at(100), "account": account, "value": "0"}
        if choices[n % len(choices)] == 0:
            events.append(option(f"x{n}", -held, None, kind=TransactionKind.EXPIRATION, **common))
            continue
        kind = TransactionKind.ASSIGNMENT if held < 0 else TransactionKind.EXERCISE
        event = option(f"e{n}", -held, None, kind=kind, **common)
        shares = delivered_quantity(event)
        delivery = stock(
            f"d{n}",
            str(shares),
            str(last.strike),
            symbol=last.underlying,
            when=at(100.5),
            account=account,
            fees="0.50",
        )
        events += [event, delivery]
    return events


def _splits(rows: list[Transaction], ratio: Decimal) -> list[Transaction]:
    """Split every open stock position by ``ratio`` (removal and addition rows)."""
    split = []
    for n, ((account, symbol), held) in enumerate(sorted(_positions(rows).items())):
        if symbol in {root for root, _, _ in INSTRUMENTS}:
            common = {"value": "0", "kind": TransactionKind.SPLIT, "symbol": symbol}
            common |= {"when": at(50), "account": account}
            split.append(stock(f"r{n}", str(-held), None, **common))
            split.append(stock(f"n{n}", str(held * ratio), None, **common))
    return split


@st.composite
def tapes(draw, splits: bool = True) -> list[Transaction]:
    """Trades, maybe a forward or reverse split of the stock, then option events at the end."""
    rows = draw(trades())
    ratio = draw(st.sampled_from((None, D(2), D("0.1")))) if splits else None
    if ratio is not None:
        rows += _splits(rows, ratio)
    choices = draw(st.lists(st.integers(0, 1), min_size=1, max_size=4))
    return rows + _option_events(rows, choices)


def _flattened(rows: list[Transaction], price: Decimal) -> list[Transaction]:
    closing = [
        stock(f"z{n}", str(-held), str(price), symbol=symbol, when=at(200), account=account)
        for n, ((account, symbol), held) in enumerate(sorted(_positions(rows).items()))
    ]
    return rows + closing


def _marks(ledger: Ledger, seed: int) -> dict[str, Decimal]:
    rng = random.Random(seed)
    return {lot.symbol: Decimal(rng.randint(0, 20_000)).scaleb(-2) for lot in ledger.lots}


@settings(max_examples=300, deadline=None)
@given(tapes())
def test_open_lots_add_up_to_the_position_and_to_the_rows(rows):
    ledger = rebuild(rows)
    lots: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for lot in ledger.lots:
        lots[(lot.account, lot.symbol)] += lot.quantity
        assert lot.quantity
    assert dict(lots) == ledger.positions == _positions(rows)
    assert ledger.problems == ()


@settings(max_examples=300, deadline=None)
@given(tapes(splits=False))
def test_a_close_never_consumes_more_than_was_opened(rows):
    ledger = rebuild(rows)
    closed, from_lot = Counter[str](), Counter[str]()
    for match in ledger.matches:
        assert match.quantity
        closed[match.close_key] += abs(match.quantity)
        from_lot[match.open_key] += abs(match.quantity)
    for lot in ledger.lots:
        from_lot[lot.open_key] += abs(lot.quantity)
    # Every unit a row moved is accounted for exactly once: it closed a lot,
    # or it opened one that is now closed or still open.
    for row in rows:
        assert closed[row.key] + from_lot[row.key] == abs(row.quantity)


@settings(max_examples=300, deadline=None)
@given(tapes(), st.integers(0, 10_000))
def test_realized_plus_unrealized_is_market_value_less_net_cash_flow(rows, seed):
    ledger = rebuild(rows)
    marks = _marks(ledger, seed)
    value = market_value(ledger.lots, marks)
    for convention in CONVENTIONS:
        for net in (True, False):
            open_pnl = unrealized(ledger.lots, marks, convention=convention).total(net=net)
            closed_pnl = realized(ledger.matches, convention=convention, net=net)
            assert closed_pnl + open_pnl == value - net_cash_flow(ledger, net=net)


@settings(max_examples=200, deadline=None)
@given(tapes(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_rows_arrive_in(rows, rng):
    shuffled = list(rows)
    rng.shuffle(shuffled)
    for method in CostMethod:
        assert rebuild(shuffled, method=method) == rebuild(rows, method=method)


@settings(max_examples=300, deadline=None)
@given(tapes(), prices)
def test_once_flat_every_cost_method_and_convention_agree_on_the_total(rows, price):
    rows = _flattened(rows, price)
    totals = set()
    for method in CostMethod:
        ledger = rebuild(rows, method=method)
        assert ledger.lots == ()
        for convention in CONVENTIONS:
            gross = realized(ledger.matches, convention=convention, net=False)
            net = realized(ledger.matches, convention=convention)
            totals.add((gross, net))
            assert net == -net_cash_flow(ledger)
    assert len(totals) == 1
