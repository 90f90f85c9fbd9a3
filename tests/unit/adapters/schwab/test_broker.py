"""SchwabBroker against the fake: hashes, windows, faults, redaction, market data."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.clock import FixedClock
from tests.fakes.http_faults import FaultPlan
from tests.fakes.schwab_server import CANARY, FakeAccount, FakeSchwab, default_account
from tests.fixtures.schwab.history import generate_history, stamp
from tests.unit.adapters.schwab.conftest import fast_policy, store_grant
from workstation.adapters.credentials import CredentialVault
from workstation.adapters.schwab.broker import SchwabBroker, schwab_instant, windows
from workstation.domain.accounts import AccountKind
from workstation.domain.bars import Timeframe
from workstation.domain.brokers import BrokerAccount, OrderStatus
from workstation.ports.broker import (
    BrokerAuthError,
    BrokerClient,
    BrokerDataError,
    BrokerError,
    BrokerUnavailable,
    TransactionPage,
)

YEAR_START = datetime(2025, 1, 2, tzinfo=UTC)
YEAR_END = datetime(2026, 1, 2, tzinfo=UTC)


async def walk(
    client: SchwabBroker, account: BrokerAccount, start: datetime, end: datetime
) -> list[TransactionPage]:
    return [page async for page in client.transactions(account, start, end)]


def expected_keys(fake: FakeSchwab, start: datetime, end: datetime) -> list[str]:
    rows = fake.accounts[0].transactions
    return [
        str(row["activityId"])
        for row in sorted(rows, key=lambda r: r["time"])
        if stamp(start) <= row["time"] <= stamp(end)
    ]


def test_windows_cover_the_span_in_order():
    spans = windows(YEAR_START, YEAR_START + timedelta(days=65), timedelta(days=30))
    assert [(a.day, b.day) for a, b in spans] == [(2, 1), (1, 3), (3, 8)]
    assert spans[0][1] == spans[1][0]
    assert windows(YEAR_END, YEAR_START, timedelta(days=30)) == []
    assert schwab_instant(datetime(2026, 1, 5, 9, 30, 1, 123456, tzinfo=UTC)) == (
        "2026-01-05T09:30:01.123Z"
    )


@given(
    start=st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=datetime(2030, 1, 1),  # noqa: DTZ001
    ),
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=800)),
    days=st.integers(min_value=1, max_value=90),
)
def test_windows_tile_any_span(start: datetime, span: timedelta, days: int):
    start = start.replace(tzinfo=UTC)
    spans = windows(start, start + span, timedelta(days=days))
    assert spans[0][0] == start
    assert spans[-1][1] == start + span
    assert all(a < b or a == b == start + span for a, b in spans)
    assert all(b - a <= timedelta(days=days) for a, b in spans)
    assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(spans))


async def test_accounts_are_addressed_by_hash(broker: SchwabBroker, fake: FakeSchwab):
    checked: BrokerClient = broker
    (account,) = await checked.accounts()
    assert (account.number, account.remote_id) == ("87654321", fake.accounts[0].hash_value)
    await broker.balances(account)
    await broker.positions(account)
    assert all("87654321" not in path for path in fake.api_calls)
    assert f"/trader/v1/accounts/{account.remote_id}" in fake.api_calls


async def test_transaction_windows_equal_the_history(broker: SchwabBroker, fake: FakeSchwab):
    (account,) = await broker.accounts()
    start, end = datetime(2025, 2, 1, tzinfo=UTC), datetime(2025, 11, 15, 12, tzinfo=UTC)
    pages = await walk(broker, account, start, end)
    assert [page.through for page in pages] == [
        last for _, last in windows(start, end, timedelta(days=30))
    ]
    assert pages[-1].through == end
    rows = [row for page in pages for row in page.rows]
    assert [row.key for row in rows] == expected_keys(fake, start, end)
    assert all(page.rows == tuple(sorted(page.rows, key=lambda r: r.executed_at)) for page in pages)
    assert all(row.executed_at < page.through for page in pages[:-1] for row in page.rows)
    requested = [path for _, path in fake.faults.requests if "/transactions" in path]
    assert len(requested) == len(pages) == 10


async def test_a_row_on_a_window_edge_is_delivered_once(vault: CredentialVault, clock: FixedClock):
    edge = YEAR_START + timedelta(days=30)
    rows = generate_history(YEAR_START, 60, 40, seed=3)
    rows.append({**rows[0], "activityId": 1, "time": stamp(edge)})
    async with FakeSchwab([FakeAccount("11112222", "HASH-EDGE", transactions=rows)]) as fake:
        store_grant(vault, fake, clock)
        client = SchwabBroker.connect(vault, fake.url, fast_policy(), now=clock.now)
        (account,) = await client.accounts()
        pages = await walk(client, account, YEAR_START, YEAR_START + timedelta(days=60))
        await client.aclose()
    keys = [row.key for page in pages for row in page.rows]
    assert keys.count("1") == 1
    assert len(keys) == 41


async def test_orders_in_60_day_windows(broker: SchwabBroker, fake: FakeSchwab):
    (account,) = await broker.accounts()
    orders = await broker.orders(account, YEAR_START, YEAR_END)
    assert len(orders) == len(fake.accounts[0].orders)
    assert {order.status for order in orders} == {OrderStatus.FILLED}
    assert orders == sorted(orders, key=lambda o: o.entered_at)
    assert sum("/orders" in path for path in fake.api_calls) == 7


async def test_no_history_calls_and_no_status_without_day_trade_facts(
    vault: CredentialVault, clock: FixedClock
):
    account = default_account(count=5)
    account.round_trips = None
    async with FakeSchwab([account]) as fake:
        store_grant(vault, fake, clock)
        client = SchwabBroker.connect(vault, fake.url, fast_policy(), now=clock.now)
        (linked,) = await client.accounts()
        assert await client.balance_history(linked, YEAR_START.date(), YEAR_END.date()) == []
        assert await client.trading_status(linked) is None
        await client.aclose()


async def test_trading_status_when_schwab_reports_it(broker: SchwabBroker):
    (account,) = await broker.accounts()
    status = await broker.trading_status(account)
    assert status is not None
    assert (status.day_trade_count, status.is_pattern_day_trader) == (1, False)


async def sync_everything(client: SchwabBroker) -> tuple[object, ...]:
    (account,) = await client.accounts()
    pages = await walk(client, account, YEAR_START, YEAR_END)
    return (
        account,
        [row for page in pages for row in page.rows],
        await client.orders(account, YEAR_START, YEAR_END),
        (await client.balances(account)).net_liquidating_value,
        await client.positions(account),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_twenty_percent_transient_faults_converge(
    vault: CredentialVault, clock: FixedClock, seed: int
):
    async with FakeSchwab() as calm:
        store_grant(vault, calm, clock)
        client = SchwabBroker.connect(vault, calm.url, fast_policy(), now=clock.now)
        expected = await sync_everything(client)
        await client.aclose()
    faults = FaultPlan(rate=0.2, seed=seed, slow_seconds=0.3)
    async with FakeSchwab(faults=faults) as stormy:
        store_grant(vault, stormy, clock)
        client = SchwabBroker.connect(vault, stormy.url, fast_policy(timeout=0.15), now=clock.now)
        assert await sync_everything(client) == expected
        await client.aclose()
    assert len(faults.injected) >= 5


async def test_bad_json_is_asked_for_again_then_refused(vault: CredentialVault, clock: FixedClock):
    faults = FaultPlan(script=["truncated", "invalid_json", "truncated"])
    async with FakeSchwab(faults=faults) as fake:
        store_grant(vault, fake, clock)
        client = SchwabBroker.connect(vault, fake.url, fast_policy(), now=clock.now)
        assert len(await client.accounts()) == 1
        faults.script.extend(["truncated"] * 4)
        with pytest.raises(
            BrokerDataError, match="accountNumbers: the response was not valid JSON"
        ):
            await client.accounts()
        await client.aclose()


async def test_a_broker_that_keeps_failing_is_unavailable(
    vault: CredentialVault, clock: FixedClock
):
    faults = FaultPlan(rate=1.0, kinds=("503",), exempt=("/v1/oauth",))
    async with FakeSchwab(faults=faults) as fake:
        store_grant(vault, fake, clock)
        client = SchwabBroker.connect(vault, fake.url, fast_policy(attempts=3), now=clock.now)
        with pytest.raises(BrokerUnavailable, match="accountNumbers: HTTP 503 after retries"):
            await client.accounts()
        await client.aclose()
        assert len(faults.injected) == 3


async def test_an_unknown_account_is_a_broker_error(broker: SchwabBroker):
    ghost = BrokerAccount("schwab", "99999999", AccountKind.MARGIN, remote_id="NO-SUCH-HASH")
    with pytest.raises(BrokerError, match="account: HTTP 404: no such account"):
        await broker.balances(ghost)


async def test_no_secret_reaches_logs_or_errors(
    vault: CredentialVault,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    redacted_logs: None,
):
    caplog.set_level(logging.DEBUG)
    faults = FaultPlan(rate=0.3, seed=5, slow_seconds=0.3)
    errors: list[str] = []
    async with FakeSchwab(faults=faults) as fake:
        store_grant(vault, fake, clock)
        client = SchwabBroker.connect(vault, fake.url, fast_policy(timeout=0.15), now=clock.now)
        (account,) = await client.accounts()
        await walk(client, account, YEAR_START, YEAR_END)
        await client.user_preference()
        faults.rate, faults.kinds = 1.0, ("503",)
        for call in (client.balances(account), client.positions(account)):
            with pytest.raises(BrokerUnavailable) as caught:
                await call
            errors.append(str(caught.value))
        faults.rate = 0.0
        fake.expire_access_tokens()
        fake.refresh_expired = True
        with pytest.raises(BrokerAuthError) as dead:
            await client.orders(account, YEAR_START, YEAR_END)
        errors.append(str(dead.value))
        await client.aclose()
    assert faults.injected
    assert "retry" in caplog.text
    text = caplog.text + "\n".join(errors)
    for secret in (CANARY, account.number, account.remote_id):
        assert secret not in text
    assert "<account redacted>" in caplog.text


async def test_market_data_through_the_fake(broker: SchwabBroker):
    quotes = await broker.quotes(["SPY", "SPX", "NOPE"])
    assert [q.symbol for q in quotes] == ["SPY", "SPX"]
    chain = await broker.option_chain("SPY")
    assert len(chain.contracts) == 54
    assert 0.17 < chain.contracts[0].iv < 0.25
    spx = await broker.option_chain("SPX")
    assert spx.snapshot().settlement == "european"
    assert spx.contracts[0].symbol.startswith("SPXW  ")
    expirations = await broker.expiration_chain("SPY")
    assert [e.days for e in expirations] == [4, 11, 18]
    start = datetime(2026, 5, 4, tzinfo=UTC)
    bars = await broker.price_history("SPY", Timeframe.M5, start, start + timedelta(days=1))
    assert len(bars) == 78
    daily = await broker.price_history("SPY", Timeframe.D1, start, start + timedelta(days=14))
    assert len(daily) == 10
    preference = await broker.user_preference()
    assert preference["streamerInfo"][0]["schwabClientChannel"] == "N9"
    before = await broker.access_token()
    assert before.startswith(f"{CANARY}-ACCESS-")
    assert await broker.access_token(force=True) != before


def test_the_fake_runs_in_a_thread_for_synchronous_tests():
    server = FakeSchwab().start_in_thread()
    try:
        with httpx.Client() as http:
            response = http.get(f"{server.url}/trader/v1/accounts/accountNumbers")
        assert response.status_code == 401
    finally:
        server.stop()
