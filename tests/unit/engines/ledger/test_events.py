"""Option and futures events: expiration, assignment, exercise, cash settlement, futures P/L."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.unit.engines.ledger.rows import ACCOUNT, D, at, future, option, stock
from workstation.domain.instruments import InstrumentKind
from workstation.domain.lots import CloseReason, PnlConvention
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import Transaction, TransactionKind
from workstation.engines.ledger import realized, rebuild, unrealized

ASSIGNMENT, EXERCISE = TransactionKind.ASSIGNMENT, TransactionKind.EXERCISE
SEPARATE, IN_BASIS = PnlConvention.OPTION_SEPARATE, PnlConvention.PREMIUM_IN_BASIS
CALL, PUT = OptionRight.CALL, OptionRight.PUT


def test_expiration_closes_at_zero():
    ledger = rebuild(
        [
            option("o1", -1, "2.00", fees="1.15"),
            option("x1", 1, None, value="0", kind=TransactionKind.EXPIRATION, when=at(days=18)),
        ]
    )
    [match] = ledger.matches
    assert (match.reason, match.close_price, match.gross, match.fees) == (
        CloseReason.EXPIRATION,
        D(0),
        D("200.00"),
        D("1.15"),
    )
    assert ledger.positions == {}


def test_expiration_with_nothing_open_is_reported_and_left_out():
    ledger = rebuild([option("x1", 1, None, value="0", kind=TransactionKind.EXPIRATION)])
    assert ledger.matches == ()
    assert ledger.lots == ()
    assert ledger.rows == ()
    assert "nothing open" in ledger.problems[0].problem


def test_expiration_signed_like_the_position_still_removes_it_and_says_so():
    ledger = rebuild(
        [option("o1", 2, "1.00"), option("x1", 2, None, value="0", kind=TransactionKind.EXPIRATION)]
    )
    assert [m.quantity for m in ledger.matches] == [D(2)]
    assert ledger.positions == {}
    assert "sign" in ledger.problems[0].problem


def _short_put_assigned() -> list[Transaction]:
    return [
        option("p1", -1, "2.00", fees="1.00"),
        option("a1", 1, None, value="0", kind=ASSIGNMENT, when=at(days=5)),
        stock("a2", 100, "50", fees="5.00", when=at(days=5)),
    ]


def test_assigned_short_put_closes_the_option_at_zero_and_books_shares_at_the_strike():
    ledger = rebuild(_short_put_assigned())
    [match] = ledger.matches
    assert (match.reason, match.close_price, match.gross, match.folded) == (
        CloseReason.ASSIGNMENT,
        D(0),
        D("200.00"),
        D("200.00"),
    )
    [lot] = ledger.lots
    assert (lot.symbol, lot.quantity, lot.price, lot.cost, lot.fees) == (
        "XYZ",
        D(100),
        D(50),
        D(-5000),
        D("5.00"),
    )
    assert lot.basis_adjustment == D("200.00")
    assert lot.basis(IN_BASIS) == D(-4800)
    assert ledger.problems == ()


def test_assignment_conventions_differ_until_the_shares_are_sold():
    ledger = rebuild(_short_put_assigned())
    assert realized(ledger.matches, convention=SEPARATE) == D("199.00")
    assert realized(ledger.matches, convention=IN_BASIS) == D("-1.00")  # only the option fee
    marks = {"XYZ": D(48)}
    assert unrealized(ledger.lots, marks, convention=SEPARATE).gross == D(-200)
    assert unrealized(ledger.lots, marks, convention=IN_BASIS).gross == D(0)

    flat = rebuild([*_short_put_assigned(), stock("s1", -100, "49", when=at(days=9))])
    sale = flat.matches[-1]
    assert (sale.gross, sale.basis_adjustment, sale.fees) == (D(-100), D("200.00"), D("5.00"))
    assert realized(flat.matches, convention=SEPARATE) == D("94.00")
    assert realized(flat.matches, convention=IN_BASIS) == D("94.00")
    assert sale.realized(IN_BASIS) == D("95.00")
    assert sale.realized(SEPARATE) == D("-105.00")


def test_assigned_covered_call_folds_the_premium_into_the_shares_called_away():
    ledger = rebuild(
        [
            stock("b1", 100, "45.00"),
            option("c1", -1, "1.00", right=CALL, when=at(1)),
            option("a1", 1, None, right=CALL, value="0", kind=ASSIGNMENT, when=at(days=4)),
            stock("a2", -100, "50", kind=ASSIGNMENT, when=at(days=4)),
        ]
    )
    called, shares = ledger.matches
    assert (called.reason, called.gross, called.folded) == (CloseReason.ASSIGNMENT, D(100), D(100))
    assert (shares.symbol, shares.reason, shares.gross) == ("XYZ", CloseReason.ASSIGNMENT, D(500))
    assert shares.basis_adjustment == D(100)
    assert realized(ledger.matches, convention=SEPARATE, net=False) == D(600)
    assert realized(ledger.matches, convention=IN_BASIS, net=False) == D(600)
    assert [m.realized(IN_BASIS, net=False) for m in ledger.matches] == [D(0), D(600)]


def test_exercised_long_call_folds_the_premium_paid_into_the_share_cost():
    ledger = rebuild(
        [
            option("c1", 1, "3.00", right=CALL),
            option("e1", -1, None, right=CALL, value="0", kind=EXERCISE, when=at(days=2)),
            stock("e2", 100, "50", kind=EXERCISE, when=at(days=2, minutes=0.5)),
        ]
    )
    [match] = ledger.matches
    assert (match.reason, match.gross, match.folded) == (CloseReason.EXERCISE, D(-300), D(-300))
    [lot] = ledger.lots
    assert (lot.cost, lot.basis_adjustment, lot.basis(IN_BASIS)) == (D(-5000), D(-300), D(-5300))


def test_a_non_standard_deliverable_decides_the_shares_delivered():
    adjusted = {"root": "XYZ1", "underlying": "XYZ", "deliverable": "150"}
    ledger = rebuild(
        [
            option("p1", -2, "1.00", **adjusted),
            option("a1", 2, None, value="0", kind=ASSIGNMENT, when=at(days=1), **adjusted),
            stock("a2", 300, "50", when=at(days=1)),
        ]
    )
    [lot] = ledger.lots
    assert (lot.quantity, lot.basis_adjustment) == (D(300), D("200.00"))
    assert ledger.problems == ()


def test_among_two_deliveries_the_one_at_the_strike_is_paired():
    ledger = rebuild(
        [
            option("p1", -1, "1.00", strike="45"),
            option("a1", 1, None, strike="45", value="0", kind=ASSIGNMENT, when=at(1)),
            stock("t1", 100, "47", when=at(1)),
            stock("a2", 100, "45", when=at(1)),
        ]
    )
    folded = {lot.open_key: lot.basis_adjustment for lot in ledger.lots}
    assert folded == {"a2": D("100.00"), "t1": D(0)}


def test_assignment_without_a_delivery_row_keeps_the_option_result_and_says_so():
    ledger = rebuild(
        [
            option("p1", -1, "2.00"),
            option("a1", 1, None, value="0", kind=ASSIGNMENT, when=at(1)),
            stock("x", 99, "50", when=at(1)),  # wrong size: not the delivery
        ]
    )
    option_match = ledger.matches[0]
    assert (option_match.gross, option_match.folded) == (D(200), D(0))
    assert realized(ledger.matches, convention=IN_BASIS) == D(200)
    assert "no delivery" in ledger.problems[0].problem


def test_cash_settled_index_option_closes_at_the_cash_paid():
    spx = {"root": "SPXW", "underlying": "SPX", "right": CALL, "strike": "5000"}
    spx |= {"instrument": InstrumentKind.INDEX_OPTION}
    ledger = rebuild(
        [
            option("o1", 1, "10.00", fees="1.50", **spx),
            option(
                "cs",
                -1,
                None,
                value="2500",
                kind=TransactionKind.CASH_SETTLEMENT,
                when=at(1),
                **spx,
            ),
        ]
    )
    [match] = ledger.matches
    assert (match.reason, match.close_price, match.gross, match.fees) == (
        CloseReason.CASH_SETTLEMENT,
        D("25.000000"),
        D(1500),
        D("1.50"),
    )


def test_futures_realize_the_brokers_pl_and_value_open_lots_from_their_price():
    ledger = rebuild(
        [
            future("f1", 2, "5000.00", fees="4.50"),
            future("f2", -1, "5010.00", value="500.00", fees="2.25", when=at(5)),
        ]
    )
    [match] = ledger.matches
    assert (match.quantity, match.gross, match.fees) == (D(1), D("500.00"), D("4.50"))
    [lot] = ledger.lots
    assert (lot.quantity, lot.cost, lot.price, lot.multiplier) == (D(1), D(0), D(5000), D(50))
    marked = unrealized(ledger.lots, {"/ESH6": D("5004.00")})
    assert (marked.market_value, marked.gross, marked.net) == (D(200), D(200), D("197.75"))


def test_futures_option_value_already_includes_the_contract_size():
    def es_option(key: str, quantity: int, price: str, value: str) -> Transaction:
        return Transaction(
            "tastytrade",
            ACCOUNT,
            key,
            TransactionKind.TRADE,
            at(),
            instrument=InstrumentKind.FUTURE_OPTION,
            symbol="./ESH6 EW2H6 260313P5000",
            underlying="/ESH6",
            expiry=date(2026, 3, 13),
            multiplier=Decimal(1),  # what the export says
            quantity=D(quantity),
            price=D(price),
            value=D(value),
        )

    ledger = rebuild(
        [es_option("f1", 2, "12.25", "-1225.00"), es_option("f2", -1, "20.00", "1000.00")]
    )
    [match] = ledger.matches
    assert match.gross == D("387.50")  # 1000 - 1225 / 2, from the values alone
    [lot] = ledger.lots
    assert lot.multiplier == D(50)  # 1225 / (12.25 x 2)
    assert unrealized(ledger.lots, {lot.symbol: D("14.00")}).gross == D("87.50")
