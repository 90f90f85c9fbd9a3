"""The risk report: exposure, scenarios, exit rules and account rules over the open book.

``report`` rebuilds nothing the ledger has cached: it takes the ledger's open
lots and strategy groups, reads each underlying's chain, beta and dividends,
prices every leg (engines/pricing through engines/risk), judges every
position against the exit rules and every account against its rule regime.
``pre_trade`` answers the planner's question "would this trade, opened and
closed today, flag an account?", and ``check_alerts`` raises exit and
account alerts once per condition through the alert service.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np

from workstation.config.settings import WorkspaceSettings
from workstation.domain.account_rules import RuleRegime
from workstation.domain.alerts import Alert
from workstation.domain.daytrades import DayTradeMethod
from workstation.domain.event_calendar import EASTERN
from workstation.domain.exits import ExitRules
from workstation.domain.exposure import ExposureReport, GreekTotals, ScenarioGrid, ScenarioMode
from workstation.domain.notifications import Severity
from workstation.domain.occ import OptionRight
from workstation.domain.risk import (
    AccountRisk,
    LegRisk,
    OpenLeg,
    OpenPosition,
    PositionRisk,
    RiskReport,
)
from workstation.domain.transactions import Transaction
from workstation.engines.risk.daytrade_warning import pre_trade_check
from workstation.engines.risk.exits import assess_exit
from workstation.engines.risk.exposure import group_totals, leg_greeks
from workstation.engines.risk.exposure_report import exposure_report
from workstation.engines.risk.extremes import PayoffLeg, expiry_extremes
from workstation.engines.risk.margin import maintenance_estimate
from workstation.engines.risk.positions import open_positions
from workstation.engines.risk.scenarios import (
    DEFAULT_EM_MOVES,
    DEFAULT_PERCENT_MOVES,
    scenario_grid,
)
from workstation.engines.risk.settlement_rules import purchase_check
from workstation.engines.sessions import TradingCalendar
from workstation.ports.clock import Clock
from workstation.services.alerts import AlertService
from workstation.services.blocking import BlockingRunner, run_in_thread
from workstation.services.ledger import LedgerService
from workstation.services.ledger_marks import as_price
from workstation.services.risk_accounts import (
    AccountFacts,
    CountingRules,
    account_risk,
    accounts_of,
)
from workstation.services.risk_book import LegQuote, PricedBook, priced_book
from workstation.services.risk_exits import exit_alerts, exit_position, exit_rules
from workstation.services.risk_market import RiskMarket, RiskMarketSnapshot
from workstation.storage.account_rules import AccountRuleStore, AccountStatusStore
from workstation.storage.accounts import AccountStore

ZERO = Decimal(0)
BROAD_INDICES = frozenset({"SPX", "NDX", "RUT", "XSP", "DJX", "OEX", "XEO"})


@dataclass(frozen=True, slots=True)
class RiskStores:
    """Where account facts live: account types, the trader's regimes, broker reports."""

    accounts: AccountStore
    rules: AccountRuleStore
    status: AccountStatusStore


class RiskService:
    """Builds risk reports and raises risk alerts."""

    def __init__(
        self,
        ledger: LedgerService,
        market: RiskMarket,
        stores: RiskStores,
        calendar: TradingCalendar,
        clock: Clock,
        settings: Callable[[], WorkspaceSettings],
        alerts: AlertService | None = None,
        run: BlockingRunner = run_in_thread,
    ) -> None:
        self._ledger = ledger
        self._market = market
        self._stores = stores
        self._calendar = calendar
        self._clock = clock
        self._settings = settings
        self.alerts = alerts
        self._run = run

    # ------------------------------------------------------------ the report
    async def report(self, account: str | None = None) -> RiskReport:
        """Return the risk of ``account`` (every account when None) now."""
        now = self._clock.now()
        today = now.astimezone(EASTERN).date()
        base = await self._run(self._ledger.base_now, account)
        book = open_positions(base.ledger.lots, base.groups)
        optioned = {p.underlying for p in book.positions if any(x.is_option for x in p.legs)}
        stock = {p.underlying for p in book.positions} - optioned
        settings = self._settings()
        market = await self._market.snapshot(optioned, stock, today, settings.beta_overrides)
        return await self._run(
            self._assemble, base.rows, book.positions, book.left_out, market, now, today, settings
        )

    def _assemble(
        self,
        rows: Sequence[Transaction],
        positions: Sequence[OpenPosition],
        left_out: tuple[str, ...],
        market: RiskMarketSnapshot,
        now: datetime,
        today: date,
        settings: WorkspaceSettings,
    ) -> RiskReport:
        priced = priced_book(positions, market, now, self._calendar, settings.risk_free_rate)
        risks = self._positions(priced, positions, market, today, settings)
        exposure = exposure_report(priced.book)  # capital share by gross market value
        scenario = _scenario(priced, settings) if len(priced.book.legs) else None
        accounts = self._accounts(rows, risks, today, settings)
        return RiskReport(
            as_of=now,
            today=today,
            positions=tuple(risks),
            exposure=exposure,
            scenario=scenario,
            accounts=tuple(accounts),
            betas=tuple((u.symbol, u.beta, u.beta_source) for u in market.underlyings.values()),
            benchmark_price=market.benchmark_price,
            problems=market.problems
            + tuple(u.problem for u in market.underlyings.values() if u.problem),
            left_out=left_out,
            warnings=_portfolio_warnings(exposure, left_out),
        )

    def _positions(
        self,
        priced: PricedBook,
        positions: Sequence[OpenPosition],
        market: RiskMarketSnapshot,
        today: date,
        settings: WorkspaceSettings,
    ) -> list[PositionRisk]:
        greeks = leg_greeks(priced.book)
        n = len(greeks)
        context = _Pricing(
            priced, greeks, group_totals(greeks, np.arange(n), n), market, today,
            exit_rules(settings), self._calendar,
        )  # fmt: skip
        per_strategy = group_totals(greeks, priced.book.legs["strategy"], len(positions))
        rows_of: dict[int, list[int]] = {}
        for row, (strategy, _) in enumerate(priced.owners):
            rows_of.setdefault(strategy, []).append(row)
        return [
            context.position_risk(p, rows_of.get(s, []), GreekTotals.from_row(per_strategy[s]))
            for s, p in enumerate(positions)
        ]

    def _accounts(
        self,
        rows: Sequence[Transaction],
        risks: Sequence[PositionRisk],
        today: date,
        settings: WorkspaceSettings,
    ) -> list[AccountRisk]:
        kinds = {(a.broker, a.number): a.kind for a in self._stores.accounts.list()}
        chosen = self._stores.rules.regimes()
        reported = self._stores.status.all()
        counting = CountingRules(DayTradeMethod(settings.day_trade_method),
                                 settings.day_trade_legs_count_once)  # fmt: skip
        found = []
        for (broker, account), held in accounts_of(rows).items():
            mine = [r for r in risks if r.position.account == account]
            facts = AccountFacts(
                broker, account, kinds.get((broker, account)), chosen.get((broker, account)),
                held, _market_value(mine), _requirement(mine), reported.get((broker, account)),
            )  # fmt: skip
            found.append(account_risk(facts, today, self._calendar, counting))
        return found

    # ------------------------------------------------------------ questions and alerts
    async def pre_trade(
        self, legs: int, description: str, cost: Decimal | None = None, account: str | None = None
    ) -> list[str]:
        """Return account warnings for a planned trade of ``legs`` securities.

        Legacy-PDT accounts say whether opening and closing it today would be
        the day trade that flags them; cash accounts whether buying it for
        ``cost`` dollars would use unsettled funds.
        """
        report = await self.report(account)
        warnings = []
        for found in report.accounts:
            where = f"{found.broker} {found.account}"
            if found.day_trades is not None:
                warning = pre_trade_check(found.day_trades, legs=legs, description=description)
                if warning is not None:
                    warnings.append(f"{where}: {warning.message}")
            if found.settlement is not None and cost is not None and cost > 0:
                message = purchase_check(found.settlement, cost)
                if message is not None:
                    warnings.append(f"{where}: {message}")
        return warnings

    async def set_regime(self, broker: str, account: str, regime: RuleRegime | None) -> None:
        """Choose the account's rule regime (None: back to the default for its type)."""
        if regime is None:
            await self._run(self._stores.rules.clear_regime, broker, account)
        else:
            await self._run(
                self._stores.rules.set_regime, broker, account, regime, self._clock.now()
            )

    async def check_alerts(self, report: RiskReport | None = None) -> list[Alert]:
        """Raise exit and account-rule alerts for conditions not alerted before; return them."""
        if self.alerts is None:
            return []
        report = report or await self.report()
        alerts = exit_alerts(report.positions, report.as_of) + _account_alerts(report)
        return await self.alerts.raise_all(alerts)


@dataclass(frozen=True, slots=True, eq=False)
class _Pricing:
    """What judging one position needs: the priced book, leg greeks, market and rules."""

    priced: PricedBook
    greeks: Any
    per_leg: Any
    market: RiskMarketSnapshot
    today: date
    rules: ExitRules
    calendar: TradingCalendar

    def position_risk(
        self, position: OpenPosition, rows: list[int], totals: GreekTotals
    ) -> PositionRisk:
        quotes = [self.priced.quotes[r] for r in rows]
        legs = tuple(
            LegRisk(leg, q.mark, q.iv, GreekTotals.from_row(self.per_leg[r]))
            for leg, q, r in zip(position.legs, quotes, rows, strict=True)
        )
        underlying = self.market.underlyings.get(position.underlying)
        extremes = expiry_extremes(_payoff_legs(position), position.opening_cash)
        spot = underlying.spot if underlying is not None else math.nan
        assessment = None
        if underlying is not None:
            deltas = [
                _per_share_delta(self.greeks[r], x)
                for x, r in zip(position.legs, rows, strict=True)
            ]
            after = _session_after(position.nearest_expiry, self.calendar)
            bounds = (extremes.max_profit, extremes.max_loss)
            judged = exit_position(position, quotes, deltas, underlying, bounds, self.today, after)
            assessment = assess_exit(judged, self.rules) if judged is not None else None
        return PositionRisk(
            position, legs, totals, spot, _pnl(position, quotes),
            extremes.max_profit, extremes.max_loss, assessment,
        )  # fmt: skip


def _scenario(priced: PricedBook, settings: WorkspaceSettings) -> ScenarioGrid:
    mode = ScenarioMode(settings.scenario_mode)
    moves = DEFAULT_EM_MOVES if mode is ScenarioMode.EXPECTED_MOVES else DEFAULT_PERCENT_MOVES
    return scenario_grid(priced.book, moves, mode=mode)


def _payoff_legs(position: OpenPosition) -> list[PayoffLeg]:
    return [
        PayoffLeg(None if leg.right is None else leg.right is OptionRight.CALL, leg.strike,
                  leg.quantity, leg.multiplier, leg.expiry)
        for leg in position.legs
    ]  # fmt: skip


def _per_share_delta(row: Any, leg: OpenLeg) -> float:
    size = float(leg.quantity * leg.multiplier)
    value = float(row["delta_shares"])
    return value / size if size and math.isfinite(value) else math.nan


def _pnl(position: OpenPosition, quotes: Sequence[LegQuote]) -> Decimal | None:
    total = position.opening_cash
    for leg, quote in zip(position.legs, quotes, strict=True):
        mark = quote.mark
        if not math.isfinite(mark):
            return None
        total += leg.value_at(as_price(mark))
    return total.quantize(Decimal("0.01"))


def _session_after(expiry: date | None, calendar: TradingCalendar) -> date | None:
    return (
        None if expiry is None or not calendar.is_session(expiry) else calendar.next_session(expiry)
    )


def _market_value(risks: Sequence[PositionRisk]) -> Decimal | None:
    total = ZERO
    for risk in risks:
        for leg in risk.legs:
            if not math.isfinite(leg.mark):
                return None
            total += leg.leg.value_at(as_price(leg.mark))
    return total


def _requirement(risks: Sequence[PositionRisk]) -> Decimal:
    total = ZERO
    for risk in risks:
        if not (math.isfinite(risk.spot) and all(math.isfinite(x.mark) for x in risk.legs)):
            continue
        marks = [as_price(x.mark) for x in risk.legs]
        total += maintenance_estimate(
            [x.leg for x in risk.legs], as_price(risk.spot), marks, risk.max_loss,
            broad_index=risk.position.underlying in BROAD_INDICES,
        )  # fmt: skip
    return total


def _portfolio_warnings(exposure: ExposureReport, left_out: tuple[str, ...]) -> tuple[str, ...]:
    found = []
    if exposure.unpriced_legs:
        found.append(
            f"{len(exposure.unpriced_legs)} legs have no IV or price: their greeks are left out"
        )
    if left_out:
        found.append(f"Futures are not priced by the risk engine: {', '.join(left_out)}")
    for row in exposure.concentration:
        if row.delta_share > 0.5 and len(exposure.concentration) > 1:
            found.append(f"{row.underlying} is {row.delta_share:.0%} of the book's dollar delta")
    return tuple(found)


def _account_alerts(report: RiskReport) -> list[Alert]:
    alerts = []
    for found in report.accounts:
        status = found.day_trades
        if status is not None and status.count >= 3:
            key = f"pdt:{found.broker}:{found.account}:{status.count}:{status.as_of.isoformat()}"
            title = f"Day trades: {status.count} in 5 sessions ({found.account})"
            body = found.warnings[0] if found.warnings else "The next day trade flags the account"
            alerts.append(Alert(key, "day_trades", title, body, report.as_of, Severity.WARNING))
        settlement = found.settlement
        if settlement is not None:
            for violation in settlement.violations:
                key = f"gfv:{found.account}:{violation.bought_key}:{violation.sold_key}"
                title = f"Good-faith violation ({found.account})"
                alerts.append(Alert(key, "settlement", title, violation.explanation,
                                    report.as_of, Severity.WARNING))  # fmt: skip
    return alerts
