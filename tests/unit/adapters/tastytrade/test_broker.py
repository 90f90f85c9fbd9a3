"""TastytradeBroker against the fake: every port call, long walks, faults, late arrivals."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tests.fakes.http_faults import FaultPlan
from tests.fakes.tastytrade_history import ACCOUNT, TastytradeHistory, generate_transactions
from tests.fakes.tastytrade_samples import sample_history
from tests.fakes.tastytrade_server import FakeTastytrade
from tests.unit.adapters.tastytrade.conftest import FAST, link
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.http import HttpPolicy
from workstation.adapters.secrets.keyring_store import KeyringSecretStore
from workstation.adapters.tastytrade.broker import TastytradeBroker, symbols_by_type
from workstation.adapters.tastytrade.parse import parse_transaction
from workstation.adapters.tastytrade.wire import TransactionWire
from workstation.domain.accounts import AccountKind
from workstation.domain.brokers import BrokerAccount, OrderStatus
from workstation.domain.instruments import InstrumentKind
from workstation.domain.retry import RetryPolicy
from workstation.domain.transactions import Transaction
from workstation.ports.broker import BrokerClient, TransactionPage

MAIN = BrokerAccount("tastytrade", ACCOUNT, AccountKind.MARGIN, "Main", ACCOUNT)
WHOLE = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))


def expected_rows(history: TastytradeHistory) -> list[Transaction]:
    """Parse the fake's items directly, in the order the API would list them ascending."""
    items = sorted(
        history.transactions[ACCOUNT],
        key=lambda item: (datetime.fromisoformat(item["executed-at"]), item["id"]),
    )
    return [parse_transaction(TransactionWire.model_validate(item)) for item in items]


async def walk(
    broker: TastytradeBroker, start: datetime = WHOLE[0], end: datetime = WHOLE[1]
) -> list[TransactionPage]:
    return [page async for page in broker.transactions(MAIN, start, end)]


def rows_of(pages: list[TransactionPage]) -> list[Transaction]:
    return [row for page in pages for row in page.rows]


async def test_the_broker_satisfies_the_port(connected):
    _fake, broker = await connected()
    port: BrokerClient = broker
    assert port.broker == "tastytrade"
    assert await port.accounts() == [MAIN]


async def test_balances_positions_status_and_history(connected):
    fake, broker = await connected()
    balances = await broker.balances(MAIN)
    assert (balances.net_liquidating_value, balances.buying_power) == (
        Decimal("102345.67"),
        Decimal("60000.00"),
    )
    positions = await broker.positions(MAIN)
    assert [(p.symbol, p.quantity, p.instrument) for p in positions] == [
        ("SPY   260220P00560000", Decimal(-2), InstrumentKind.EQUITY_OPTION),
        ("AAPL", Decimal(100), InstrumentKind.EQUITY),
    ]
    status = await broker.trading_status(MAIN)
    assert (status.day_trade_count, status.is_pattern_day_trader) == (2, False)
    points = await broker.balance_history(MAIN, date(2026, 1, 5), date(2026, 1, 9))
    assert [p.day for p in points] == [date(2026, 1, d) for d in range(5, 10)]
    query = fake.requests_to(f"/accounts/{ACCOUNT}/balance-snapshots")[0].query
    assert (query["time-of-day"], query["start-date"], query["end-date"]) == (
        ["EOD"],
        ["2026-01-05"],
        ["2026-01-09"],
    )


async def test_orders_in_a_window_with_unknown_statuses_kept_unknown(connected):
    _fake, broker = await connected()
    start = datetime(2026, 1, 6, tzinfo=UTC)
    orders = await broker.orders(MAIN, start, datetime(2026, 1, 12, tzinfo=UTC))
    assert [(o.order_id, o.status) for o in orders] == [
        ("900002", OrderStatus.FILLED),
        ("900003", OrderStatus.CANCELLED),
        ("900004", OrderStatus.REJECTED),
        ("900005", OrderStatus.EXPIRED),
        ("900006", OrderStatus.WORKING),
        ("900007", OrderStatus.UNKNOWN),
    ]


async def test_chain_metrics_and_quote_token(connected):
    _fake, broker = await connected()
    chain = await broker.option_chain("SPY")
    assert [e.expiry for e in chain] == [date(2026, 2, 20), date(2026, 3, 20)]
    assert chain[0].strikes[1].put == "SPY   260220P00555000"
    assert chain[0].strikes[1].put_streamer == ".SPY260220P555"
    metrics = await broker.market_metrics(["SPY", "AAPL", "NOPE", "SPY"])
    assert sorted(metrics) == ["AAPL", "SPY"]
    assert metrics["SPY"].iv_rank == 0.2561
    token = await broker.quote_token()
    assert (token.token, token.level) == ("CANARY-TT-QUOTE-TOKEN", "api")


async def test_quote_snapshots_go_at_most_100_symbols_a_request(connected):
    history = sample_history()
    extra = {f"T{n:03d}": {"symbol": f"T{n:03d}", "last": "10.5"} for n in range(240)}
    history.quotes.update(extra)
    fake, broker = await connected(history=history)
    quotes = await broker.quote_snapshot([*extra, "SPY", "SPX", "SPY   260220P00560000"])
    assert len(quotes) == 241  # the option and the index are unknown to this fake
    assert (quotes["T007"].last, quotes["SPY"].prev_close) == (10.5, 499.0)
    requests = fake.requests_to("/market-data/by-type")
    assert [sum(map(len, seen.query.values())) for seen in requests] == [100, 100, 43]
    assert requests[2].query["index"] == ["SPX"]
    assert requests[2].query["equity-option"] == ["SPY   260220P00560000"]


def test_symbols_are_grouped_by_quote_type():
    assert symbols_by_type(
        ["SPY", "SPX", "SPY   260220P00560000", "/ESH6", "./ESH6 E2AG6 260213P6800", "BTC/USD"]
    ) == {
        "equity": ["SPY"],
        "index": ["SPX"],
        "equity-option": ["SPY   260220P00560000"],
        "future": ["/ESH6"],
        "future-option": ["./ESH6 E2AG6 260213P6800"],
        "cryptocurrency": ["BTC/USD"],
    }


# ------------------------------------------------------------------ transaction walks


async def test_ten_thousand_transactions_walk_ascending_250_a_page(connected):
    history = sample_history(10_000, seed=5)
    fake, broker = await connected(history=history)
    pages = await walk(broker)
    assert len(pages) == 40
    assert all(len(page.rows) == 250 for page in pages)
    rows = rows_of(pages)
    assert rows == expected_rows(history)
    assert [row.key for row in rows] == [str(item["id"]) for item in history.transactions[ACCOUNT]]
    throughs = [page.through for page in pages]
    assert throughs == sorted(throughs)
    assert throughs[-1] == WHOLE[1]
    assert all(page.through == page.rows[-1].executed_at for page in pages[:-1])
    query = fake.requests_to(f"/accounts/{ACCOUNT}/transactions")[0].query
    assert (query["sort"], query["per-page"], query["page-offset"]) == (["Asc"], ["250"], ["0"])


async def test_a_walk_through_twenty_percent_faults_returns_the_same_rows(connected):
    history = sample_history(4_000, seed=8)
    faults = FaultPlan(rate=0.2, seed=7, slow_seconds=0.2, exempt=("/oauth",))
    policy = HttpPolicy(
        timeout_seconds=0.1,
        connect_timeout_seconds=0.5,
        retry=RetryPolicy(base_seconds=0.001, cap_seconds=0.01, max_attempts=8),
    )
    _fake, broker = await connected(history=history, faults=faults, policy=policy)
    rows = rows_of(await walk(broker))
    assert rows == expected_rows(history)
    kinds = {kind for kind, _ in faults.injected}
    assert len(faults.injected) >= 5
    assert {"truncated", "invalid_json", "timeout", "429", "503"} <= kinds


async def test_rows_arriving_mid_walk_are_not_lost(connected):
    history = sample_history(1_000, seed=2)
    original = expected_rows(history)
    later = original[-1].executed_at + timedelta(minutes=1)
    arriving = generate_transactions(30, seed=77, start=later, first_id=200_000_001)
    fake, broker = await connected(history=history)
    fake.arrive_after_page(ACCOUNT, 1, arriving)
    end = datetime.fromisoformat(arriving[9]["executed-at"])  # the sync began here
    rows = rows_of(await walk(broker, WHOLE[0], end))
    keys = [row.key for row in rows]
    assert len(keys) == len(set(keys))
    assert keys[: len(original)] == [row.key for row in original]
    assert keys[len(original) :] == [str(item["id"]) for item in arriving[:10]]


async def test_a_backdated_arrival_repeats_no_row_and_loses_none(connected):
    history = sample_history(1_000, seed=4)
    original = expected_rows(history)
    early = original[100].executed_at - timedelta(seconds=1)
    backdated = generate_transactions(5, seed=9, start=early, first_id=300_000_001)
    for item in backdated:  # all five land before the walk's cursor
        item["executed-at"] = original[100].executed_at.isoformat()
    fake, broker = await connected(history=history)
    fake.arrive_after_page(ACCOUNT, 1, backdated)
    rows = rows_of(await walk(broker))
    keys = [row.key for row in rows]
    assert len(keys) == len(set(keys))
    assert {row.key for row in original} <= set(keys)


async def test_a_window_keeps_only_rows_inside_it(connected):
    history = sample_history(2_000, seed=6)
    everything = expected_rows(history)
    start, end = everything[500].executed_at, everything[1500].executed_at
    fake, broker = await connected(history=history)
    pages = await walk(broker, start, end)
    rows = rows_of(pages)
    assert rows == [row for row in everything if start <= row.executed_at <= end]
    assert all(start <= page.through <= end for page in pages)
    assert pages[-1].through == end
    query = fake.requests_to(f"/accounts/{ACCOUNT}/transactions")[0].query
    assert query["start-date"][0] <= start.date().isoformat()
    assert query["end-date"][0] >= end.date().isoformat()


async def test_an_empty_window_yields_one_empty_page_through_its_end(connected):
    _fake, broker = await connected(history=sample_history(10))
    start, end = datetime(2029, 1, 1, tzinfo=UTC), datetime(2029, 2, 1, tzinfo=UTC)
    assert await walk(broker, start, end) == [TransactionPage((), end)]


# ------------------------------------------------------------------ a server in a thread


def test_a_threaded_fake_outlives_event_loops():
    fake = FakeTastytrade(sample_history(300))
    running = fake.start_in_thread()
    try:
        vault = CredentialVault(KeyringSecretStore())
        link(vault, running.url)

        async def count() -> int:
            broker = TastytradeBroker.connect(vault, policy=FAST)
            try:
                return len(rows_of(await walk(broker)))
            finally:
                await broker.aclose()

        assert asyncio.run(count()) == 300
        assert asyncio.run(count()) == 300
        assert fake.tokens.requests == 1  # the second loop reused the stored token
    finally:
        running.stop()


async def test_cryptocurrency_rows_are_left_out_and_named_not_fatal(connected):
    history = sample_history(60, seed=3)
    rows = history.transactions[ACCOUNT]
    crypto = {**rows[10], "id": 99_999_999, "instrument-type": "Cryptocurrency",
              "symbol": "BTC/USD", "underlying-symbol": "BTC/USD"}  # fmt: skip
    rows.insert(11, crypto)
    _fake, broker = await connected(history=history)
    pages = await walk(broker)
    assert [u for page in pages for u in page.untracked] == ["99999999 BTC/USD"]
    kept = rows_of(pages)
    assert len(kept) == 60
    assert "99999999" not in {row.key for row in kept}
