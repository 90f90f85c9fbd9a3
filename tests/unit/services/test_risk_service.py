# ruff: noqa: E501  (the export rows are data, kept one per line)
"""Risk over a small hand-made account, end to end on a real SQLite file.

The account (a Tastytrade current-generation export): 20,000 deposited; a
2-lot SPY 580/575 put credit spread sold for 0.60; two SPY calls bought and
sold the same day (two day trades in the window ending Monday 2026-11-23).
The market is one scripted SPY chain, so every greek can be recomputed here
with the pricing engine directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.marketdata import ScriptedMarketData
from workstation.adapters.csv import read_statement
from workstation.commands.risk import run_risk
from workstation.config.settings import WorkspaceSettings
from workstation.domain.account_rules import BrokerAccountStatus, RuleRegime
from workstation.domain.chains import CHAIN_DTYPE, ChainSnapshot
from workstation.domain.exits import ExitRuleKind, RuleState
from workstation.domain.metrics import SymbolMetrics
from workstation.domain.quotes import Quote
from workstation.engines.pricing.expiry import expiry_instant, years_to_expiry
from workstation.engines.pricing.models import ExerciseStyle, theoretical_prices_and_greeks
from workstation.engines.sessions import xnys
from workstation.services.alerts import AlertService
from workstation.services.events import EventBus
from workstation.services.ledger import LedgerService
from workstation.services.ledger_import import TransactionImport
from workstation.services.ledger_marks import MarketMarks
from workstation.services.market_data import MarketDataService
from workstation.services.risk import RiskService, RiskStores
from workstation.services.risk_market import RiskMarket
from workstation.storage.account_rules import AccountRuleStore, AccountStatusStore
from workstation.storage.accounts import AccountStore
from workstation.storage.alerts import AlertStore
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.bars import BarStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore

D = Decimal
NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # Monday 10:30 New York
EXPIRY = date(2026, 12, 18)
HEADER = (
    "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,"
    "Average Price,Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,"
    "Expiration Date,Strike Price,Call or Put,Order #,Total,Currency"
)
ROWS = [  # newest first, as exported
    "2026-11-20T14:00:00-0500,Trade,Sell to Close,SELL_TO_CLOSE,SPY   261218C00610000,Equity Option,Sold 1 SPY 12/18/26 Call 610.00 @ 3.20,320.00,1,320.00,0.00,-0.14,100,SPY,SPY,12/18/26,610,CALL,204,319.86,USD",
    "2026-11-20T10:00:00-0500,Trade,Buy to Open,BUY_TO_OPEN,SPY   261218C00610000,Equity Option,Bought 1 SPY 12/18/26 Call 610.00 @ 3.00,-300.00,1,-300.00,-1.00,-0.14,100,SPY,SPY,12/18/26,610,CALL,203,-301.14,USD",
    "2026-11-18T15:00:00-0500,Trade,Sell to Close,SELL_TO_CLOSE,SPY   261218C00600000,Equity Option,Sold 1 SPY 12/18/26 Call 600.00 @ 5.50,550.00,1,550.00,0.00,-0.14,100,SPY,SPY,12/18/26,600,CALL,202,549.86,USD",
    "2026-11-18T10:00:00-0500,Trade,Buy to Open,BUY_TO_OPEN,SPY   261218C00600000,Equity Option,Bought 1 SPY 12/18/26 Call 600.00 @ 5.00,-500.00,1,-500.00,-1.00,-0.14,100,SPY,SPY,12/18/26,600,CALL,201,-501.14,USD",
    "2026-11-16T10:00:00-0500,Trade,Sell to Open,SELL_TO_OPEN,SPY   261218P00580000,Equity Option,Sold 2 SPY 12/18/26 Put 580.00 @ 2.00,400.00,2,200.00,-2.00,-0.28,100,SPY,SPY,12/18/26,580,PUT,200,397.72,USD",
    "2026-11-16T10:00:00-0500,Trade,Buy to Open,BUY_TO_OPEN,SPY   261218P00575000,Equity Option,Bought 2 SPY 12/18/26 Put 575.00 @ 1.40,-280.00,2,-140.00,-2.00,-0.28,100,SPY,SPY,12/18/26,575,PUT,200,-282.28,USD",
    '2026-11-02T09:00:00-0500,Money Movement,Deposit,,,,Wire Funds Received,"20,000.00",0,,--,0.00,,,,,,,,"20,000.00",USD',
]
SPOT = 600.0
CONTRACTS = [  # strike, call?, bid, ask, iv
    (575.0, False, 0.30, 0.40, 0.21),
    (580.0, False, 0.50, 0.60, 0.20),
    (600.0, False, 6.00, 6.20, 0.17),
    (600.0, True, 7.00, 7.20, 0.16),
    (610.0, True, 2.80, 3.00, 0.15),
]


def _chain() -> ChainSnapshot:
    rows = np.zeros(len(CONTRACTS), dtype=CHAIN_DTYPE)
    for i, (strike, call, bid, ask, iv) in enumerate(CONTRACTS):
        rows[i] = (
            np.datetime64(EXPIRY, "D"),
            strike,
            call,
            bid,
            ask,
            (bid + ask) / 2,
            iv,
            np.nan,
            1000,
            10,
        )
    return ChainSnapshot("SPY", NOW, SPOT, rows, source="scripted")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


def _risk(db: Database, settings: WorkspaceSettings | None = None) -> RiskService:
    clock = FixedClock(NOW)
    quote = Quote("SPY", SPOT, 598.0, NOW, 599.99, 600.01)
    metrics = {"SPY": SymbolMetrics("SPY", 1.0, 0.0, date(2026, 12, 18), D("1.80"), "scripted")}
    market = MarketDataService(
        ScriptedMarketData({"SPY": quote}, chain=_chain(), metrics=metrics), clock, EventBus()
    )
    ledger = LedgerService(
        TransactionStore(db), StrategyOverrideStore(db, clock), BalanceSnapshotStore(db),
        BarStore(db), MarketMarks(market), clock,
    )  # fmt: skip
    stores = RiskStores(AccountStore(db), AccountRuleStore(db), AccountStatusStore(db))
    chosen = settings or WorkspaceSettings()
    return RiskService(ledger, RiskMarket(market, BarStore(db)), stores, xnys(), clock,
                       lambda: chosen, AlertService(AlertStore(db)))  # fmt: skip


async def _import(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    importer = TransactionImport(
        TransactionStore(db), SyncLog(db, clock=FixedClock(NOW)), read_statement
    )
    await importer.commit(await importer.preview(path, "tastytrade", "5WT1"))


async def test_greeks_equal_direct_repricing(db: Database, tmp_path: Path) -> None:
    await _import(db, tmp_path)
    report = await _risk(db).report()
    (spread,) = report.positions
    assert spread.position.name.startswith("SPY 580/575")
    t = float(years_to_expiry(NOW, expiry_instant("SPY", EXPIRY, xnys())))
    _, greeks = theoretical_prices_and_greeks(
        ExerciseStyle.AMERICAN, np.array([False, False]), SPOT, np.array([580.0, 575.0]), t,
        0.04, np.array([0.20, 0.21]), 0.0,
    )  # fmt: skip
    size = np.array([-2.0, 2.0]) * 100
    assert spread.totals.delta_shares == pytest.approx(
        float((greeks.delta * size).sum()), rel=1e-12
    )
    assert spread.totals.theta_day == pytest.approx(float((greeks.theta * size).sum()), rel=1e-12)
    assert report.exposure.portfolio.vega == pytest.approx(
        float((greeks.vega * size).sum()), rel=1e-12
    )
    assert report.exposure.portfolio.beta_delta == pytest.approx(spread.totals.dollar_delta / SPOT)
    assert report.betas == (("SPY", 1.0, "scripted"),)


async def test_pnl_extremes_and_profit_target(db: Database, tmp_path: Path) -> None:
    await _import(db, tmp_path)
    report = await _risk(db).report()
    (spread,) = report.positions
    # Opened for 400 - 280 = 120 less 4.56 fees; closing now costs 0.55*200 - 0.35*200 = 40.
    assert spread.position.opening_cash == D("115.44")
    assert spread.pnl == D("75.44")
    assert spread.max_profit == D("115.44")
    assert spread.max_loss == D("1000") - D("115.44")
    assert spread.exit is not None
    target = next(s for s in spread.exit.signals if s.rule is ExitRuleKind.PROFIT_TARGET)
    assert target.state is RuleState.HIT  # 75.44 >= 50 % of 115.44


async def test_scenario_grid_is_zero_at_the_origin_and_matches_the_book(
    db: Database, tmp_path: Path
) -> None:
    await _import(db, tmp_path)
    report = await _risk(db).report()
    grid = report.scenario
    assert grid is not None
    assert grid.cell(0.0, 0.0, 0.0) == pytest.approx(0.0, abs=1e-9)
    assert grid.cell(-3.0, 0.0, 0.0) < 0 < grid.cell(3.0, 0.0, 0.0)  # short puts lose on a drop


async def test_day_trades_and_the_pre_trade_warning(db: Database, tmp_path: Path) -> None:
    await _import(db, tmp_path)
    service = _risk(db)
    (account,) = (await service.report()).accounts
    assert account.regime is RuleRegime.LEGACY_PDT
    assert not account.regime_chosen
    status = account.day_trades
    assert status is not None
    assert [(t.session, t.drops_off) for t in status.day_trades] == [
        (date(2026, 11, 18), date(2026, 11, 25)),
        (date(2026, 11, 20), date(2026, 11, 30)),  # Thanksgiving (11-26) is skipped
    ]
    assert status.trades_in_window == 4
    assert status.below_minimum  # about 20,000 of equity
    warnings = await service.pre_trade(2, "SPY 600/605 call spread")
    assert len(warnings) == 1
    assert "would add 2 day trades, making 4" in warnings[0]
    assert "flag the account as a pattern day trader" in warnings[0]
    assert "equity is 20,142.88 USD" in warnings[0]  # 20,000 + 115.44 + 48.72 + 18.72 - 40 (marks)
    (softer,) = await service.pre_trade(1, "SPY 600 call")
    assert "would be day trade 3" in softer


async def test_broker_count_is_shown_beside_ours(db: Database, tmp_path: Path) -> None:
    await _import(db, tmp_path)
    AccountStatusStore(db).put(BrokerAccountStatus("tastytrade", "5WT1", NOW, day_trade_count=3))
    (account,) = (await _risk(db).report()).accounts
    assert account.broker_status is not None
    assert "counts 3 day trades" in account.broker_difference
    assert "workstation counts 2" in account.broker_difference


async def test_regime_choice_switches_the_checks(db: Database, tmp_path: Path) -> None:
    await _import(db, tmp_path)
    service = _risk(db)
    await service.set_regime("tastytrade", "5WT1", RuleRegime.CASH)
    (cash,) = (await service.report()).accounts
    assert cash.regime_chosen
    assert cash.day_trades is None
    assert cash.settlement is not None
    await service.set_regime("tastytrade", "5WT1", RuleRegime.INTRADAY_MARGIN)
    (margin,) = (await service.report()).accounts
    assert margin.margin is not None
    assert margin.margin.estimated
    assert margin.margin.requirement == D("1000") - D("115.44")  # the spread's max loss
    await service.set_regime("tastytrade", "5WT1", None)
    (back,) = (await service.report()).accounts
    assert back.regime is RuleRegime.LEGACY_PDT


async def test_alerts_are_raised_once_per_condition(db: Database, tmp_path: Path) -> None:
    await _import(db, tmp_path)
    service = _risk(db)
    delivered: list[str] = []
    assert service.alerts is not None
    service.alerts.on_alert(lambda alert: delivered.append(alert.condition_key))
    first = await service.check_alerts()
    assert any(a.condition_key.endswith(":profit_target:hit") for a in first)
    assert await service.check_alerts() == []  # still true, not raised again
    assert delivered == [a.condition_key for a in first]


async def test_risk_command_text_and_json(db: Database, tmp_path: Path) -> None:
    await _import(db, tmp_path)
    service = _risk(db)

    class Context:
        risk = service

    result = await run_risk(Context(), {"account": None})  # type: ignore[arg-type]
    text = result.to_text()
    assert "day trades in 2026-11-17..2026-11-23: 2 of 4 trades" in text
    assert "drops off 2026-11-30" in text
    assert result.data["accounts"][0]["day_trades"]["count"] == 2
    assert math.isfinite(result.data["portfolio"]["delta_shares"])


async def test_plan_candidates_get_the_account_warning(db: Database, tmp_path: Path) -> None:
    from types import SimpleNamespace

    from workstation.commands.plan_report import account_warnings

    await _import(db, tmp_path)
    strategy = SimpleNamespace(option_legs=(1, 2), net_premium=D("-150"))
    candidate = SimpleNamespace(strategy=strategy, label="bull put credit spread 580/575 Dec 18")
    context = SimpleNamespace(risk=_risk(db))
    (warning,) = await account_warnings(context, candidate)  # type: ignore[arg-type]
    assert warning.startswith("tastytrade 5WT1: Opening and closing bull put credit spread")
    assert await account_warnings(SimpleNamespace(risk=None), candidate) == []  # type: ignore[arg-type]
