"""Small risk reports built by hand for the Risk panel's tests.

Two positions in two accounts: an AAPL short put whose profit target is hit
(with an expiry recommendation) and a SPY call spread near its time exit.
Account A is a margin account under legacy PDT with two day trades in the
window; account B is a cash account with unsettled proceeds.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np

from workstation.domain.account_rules import BrokerAccountStatus, RuleRegime
from workstation.domain.accounts import AccountKind
from workstation.domain.daytrades import DayTrade, DayTradeMethod, DayTradeStatus
from workstation.domain.exits import (
    ExitAssessment,
    ExitRuleKind,
    ExitSignal,
    ExpiryAction,
    ExpiryRecommendation,
    RuleState,
)
from workstation.domain.exposure import (
    CapitalBasis,
    Concentration,
    ExpiryExposure,
    ExposureReport,
    GreekTotals,
    GroupExposure,
    ScenarioGrid,
    ScenarioMode,
)
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.risk import (
    AccountRisk,
    LegRisk,
    MarginStatus,
    OpenLeg,
    OpenPosition,
    PositionRisk,
    RiskReport,
)
from workstation.domain.settlement import SettlementStatus
from workstation.domain.strategies import StrategyKind

D = Decimal
AS_OF = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
TODAY = date(2026, 11, 23)
EXPIRY = date(2026, 11, 24)
SPREAD_EXPIRY = date(2026, 12, 11)
WINDOW = (
    date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20),
    date(2026, 11, 23),
)  # fmt: skip
AAPL_PUT = "AAPL  261124P00250000"
SPY_LONG = "SPY   261211C00600000"
SPY_SHORT = "SPY   261211C00610000"


def totals(delta: float, theta: float, vega: float, pnl: float, *, dte: int | None = 1,
           spot: float = 100.0, legs: int = 1) -> GreekTotals:  # fmt: skip
    """Greek totals with gamma 0.5 and beta delta 1.1 x delta."""
    return GreekTotals(
        delta_shares=delta, dollar_delta=delta * spot, beta_delta=delta * 1.1,
        gamma_shares=0.5, theta_day=theta, vega=vega, market_value=0.0, pnl=pnl,
        legs=legs, unpriced_legs=0, unmarked_legs=0, nearest_dte=dte,
    )  # fmt: skip


def _leg(symbol: str, qty: int, strike: str, expiry: date, cash: str) -> OpenLeg:
    return OpenLeg(
        symbol, InstrumentKind.EQUITY, D(qty), D(100), D(cash), D("1.00"),
        OptionRight.PUT if "P" in symbol[12:] else OptionRight.CALL, D(strike), expiry,
    )  # fmt: skip


def aapl_put() -> PositionRisk:
    """A short AAPL put, 1 DTE, profit target hit, recommended closed."""
    leg = _leg(AAPL_PUT, -1, "250", EXPIRY, "300")
    position = OpenPosition(
        "p-aapl", "AAPL 250 short put 11/24", StrategyKind.SHORT_PUT, "A", "AAPL", AS_OF, (leg,)
    )
    signals = (
        ExitSignal("p-aapl", ExitRuleKind.PROFIT_TARGET, RuleState.HIT, "Profit target hit",
                   "P/L +$220.00 against a target of $149.50"),
        ExitSignal("p-aapl", ExitRuleKind.MAX_LOSS, RuleState.OK, "Within max loss", ""),
    )  # fmt: skip
    advice = ExpiryRecommendation(
        ExpiryAction.CLOSE, ("short 250 put is 0.2 EM from spot: pin risk",
                             "closing costs $0.80 a share"), (AAPL_PUT,), (), 4.1, "implied", 1.0,
    )  # fmt: skip
    return PositionRisk(
        position, (LegRisk(leg, 0.80, 0.325, totals(12.5, 8.25, -3.5, 220.0)),),
        totals(12.5, 8.25, -3.5, 220.0), 251.0, D("219.00"), D("299.00"), D("24701.00"),
        ExitAssessment("p-aapl", signals, advice),
    )  # fmt: skip


def spy_spread() -> PositionRisk:
    """A SPY bull call spread near its time exit."""
    long_leg = _leg(SPY_LONG, 1, "600", SPREAD_EXPIRY, "-500")
    short_leg = _leg(SPY_SHORT, -1, "610", SPREAD_EXPIRY, "200")
    position = OpenPosition(
        "p-spy", "SPY 600/610 bull call spread 12/11", StrategyKind.BULL_CALL_DEBIT, "B",
        "SPY", AS_OF, (long_leg, short_leg),
    )  # fmt: skip
    signal = ExitSignal("p-spy", ExitRuleKind.TIME, RuleState.NEAR, "Time exit soon", "")
    legs = (
        LegRisk(long_leg, 6.10, 0.18, totals(55.0, -9.0, 40.0, 110.0, dte=18, spot=600.0)),
        LegRisk(short_leg, 2.20, 0.17, totals(-30.0, 5.0, -30.0, -20.0, dte=18, spot=600.0)),
    )
    return PositionRisk(
        position, legs, totals(25.0, -4.0, 10.0, 90.0, dte=18, spot=600.0, legs=2), 604.0,
        D("88.00"), D("698.00"), D("302.00"), ExitAssessment("p-spy", (signal,), None),
    )  # fmt: skip


def scenario() -> ScenarioGrid:
    """3 moves x 2 vol shifts x 2 days; cell (i, j, k) = 100 * (i - 1) - 10 * j + k."""
    moves, shifts, days = np.array([-1.0, 0.0, 1.0]), np.array([0.0, 5.0]), np.array([0.0, 7.0])
    i, j, k = np.meshgrid(np.arange(3), np.arange(2), np.arange(2), indexing="ij")
    pnl = (100.0 * (i - 1) - 10.0 * j + k).astype(np.float64)
    sizes = np.array([[4.0, 6.0], [8.0, 12.0]])
    return ScenarioGrid(
        ScenarioMode.EXPECTED_MOVES, ("AAPL", "SPY"), moves, shifts, days, sizes, pnl,
        np.stack([pnl / 2, pnl / 2]), (),
    )  # fmt: skip


def day_trades() -> DayTradeStatus:
    """Two day trades in account A's window, the first dropping off on 2026-11-24."""
    trades = tuple(
        DayTrade("A", symbol, (symbol,), "AAPL", session, D(qty), ("o",), ("c",), (),
                 AS_OF, drops_off)
        for symbol, session, qty, drops_off in (
            (AAPL_PUT, date(2026, 11, 17), 2, date(2026, 11, 24)),
            ("AAPL", date(2026, 11, 20), 100, date(2026, 11, 27)),
        )
    )  # fmt: skip
    return DayTradeStatus(
        "A", TODAY, DayTradeMethod.PAIRS, False, WINDOW, trades, 20, D("20000"), trades
    )


def margin_account() -> AccountRisk:
    """Account A: legacy PDT by default, broker reports 3 day trades."""
    broker = BrokerAccountStatus("tastytrade", "A", AS_OF, day_trade_count=3)
    return AccountRisk(
        "tastytrade", "A", AccountKind.MARGIN, RuleRegime.LEGACY_PDT, False, D("20000"),
        "broker balances", day_trades(), None, None, broker,
        "tastytrade counts 3 day trades, we count 2", ("Equity below the $25,000 minimum",),
    )  # fmt: skip


def cash_account() -> AccountRisk:
    """Account B: a cash account with proceeds settling tomorrow and an intraday margin estimate."""
    settlement = SettlementStatus(
        "B", TODAY, D("5000"), ((EXPIRY, D("1200")),), D("6200"), D("4000"),
        ((EXPIRY, D("1200")),), (), (), 1, None, "", (),
    )  # fmt: skip
    margin = MarginStatus(D("1500"), D("6200"), None, True, "short option rule")
    return AccountRisk(
        "schwab", "B", AccountKind.CASH, RuleRegime.CASH, True, D("6200"), "ledger",
        None, settlement, margin, None, "", (),
    )  # fmt: skip


def report(benchmark: float = 600.0) -> RiskReport:
    """The whole report: two positions, the scenario grid and both accounts."""
    positions = (aapl_put(), spy_spread())
    underlyings = tuple(GroupExposure(p.position.underlying, p.totals) for p in positions)
    by_expiry = (
        ExpiryExposure(EXPIRY, 1, positions[0].totals),
        ExpiryExposure(SPREAD_EXPIRY, 18, positions[1].totals),
    )
    concentration = (
        Concentration("AAPL", 1250.0, 0.077, 80.0, 0.1),
        Concentration("SPY", 15000.0, 0.923, 720.0, 0.9),
    )
    exposure = ExposureReport(
        AS_OF, totals(37.5, 4.25, 6.5, 310.0, legs=3), (), (), underlyings, by_expiry,
        concentration, CapitalBasis.GROSS_MARKET_VALUE,
    )  # fmt: skip
    return RiskReport(
        AS_OF, TODAY, positions, exposure, scenario(), (margin_account(), cash_account()),
        (("AAPL", 1.2, "demo"), ("SPY", 1.0, "benchmark")), benchmark, (), (),
        ("Delta concentrated in SPY",),
    )  # fmt: skip


NO_BENCHMARK = math.nan
