"""Risk as the panel and ``/risk`` show it: open positions with their greeks and exit
rules, and per account the day-trade, settlement and margin status.

Money is Decimal dollars; greeks are model floats with their units in
:mod:`workstation.domain.exposure`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from workstation.domain.account_rules import BrokerAccountStatus, RuleRegime
from workstation.domain.accounts import AccountKind
from workstation.domain.daytrades import DayTradeStatus
from workstation.domain.exits import ExitAssessment
from workstation.domain.exposure import ExposureReport, GreekTotals, ScenarioGrid
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.settlement import SettlementStatus
from workstation.domain.strategies import StrategyKind

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class OpenLeg:
    """One instrument held in a position.

    ``quantity`` signed contracts or shares; ``multiplier`` shares per contract
    (1 for stock); ``open_cash`` the signed cash of the open quantity at open
    (credit +, debit -, dollars, before fees); ``fees`` open fees still attached
    (dollars); ``entry_price`` the average open price per share.
    """

    symbol: str
    instrument: InstrumentKind
    quantity: Decimal
    multiplier: Decimal
    open_cash: Decimal
    fees: Decimal
    right: OptionRight | None = None
    strike: Decimal | None = None
    expiry: date | None = None

    @property
    def is_option(self) -> bool:
        """True for option legs."""
        return self.right is not None

    def value_at(self, mark: Decimal) -> Decimal:
        """Signed market value of the leg at ``mark`` dollars per share (dollars)."""
        return mark * self.quantity * self.multiplier

    @property
    def entry_price(self) -> Decimal:
        """Average open price per share (dollars)."""
        units = abs(self.quantity) * self.multiplier
        return abs(self.open_cash) / units if units else ZERO


@dataclass(frozen=True, slots=True)
class OpenPosition:
    """An open strategy: its legs, the account, and its name as the P&L panel shows it.

    ``underlying`` is the index for weekly index roots (SPXW -> SPX);
    ``opening_cash`` sums the legs' open cash less their open fees (dollars).
    """

    id: str
    name: str
    kind: StrategyKind
    account: str
    underlying: str
    opened_at: datetime
    legs: tuple[OpenLeg, ...]

    @property
    def opening_cash(self) -> Decimal:
        """Cash the open legs brought in at open, net of their open fees (credit +)."""
        return sum((leg.open_cash - leg.fees for leg in self.legs), ZERO)

    @property
    def nearest_expiry(self) -> date | None:
        """The first expiry among the option legs (None for stock only)."""
        expiries = [leg.expiry for leg in self.legs if leg.expiry is not None]
        return min(expiries) if expiries else None


@dataclass(frozen=True, slots=True)
class OpenBook:
    """Every open position, and the lots left out (futures) by symbol."""

    positions: tuple[OpenPosition, ...]
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LegRisk:
    """One open leg with its market and greeks (position units, see ``GreekTotals``).

    ``mark`` and ``iv`` per share / decimal, NaN when unknown; ``dte`` calendar days.
    """

    leg: OpenLeg
    mark: float
    iv: float
    totals: GreekTotals


@dataclass(frozen=True, slots=True)
class PositionRisk:
    """An open strategy with its greeks, P/L, extremes and exit-rule status.

    ``pnl`` dollars from marks (None when a leg has no mark); ``max_profit`` and
    ``max_loss`` positive dollars at expiry (None: unbounded or unknown);
    ``spot`` of the underlying; ``exit`` the exit rules' verdict (None when the
    position could not be valued).
    """

    position: OpenPosition
    legs: tuple[LegRisk, ...]
    totals: GreekTotals
    spot: float
    pnl: Decimal | None
    max_profit: Decimal | None
    max_loss: Decimal | None
    exit: ExitAssessment | None


@dataclass(frozen=True, slots=True)
class MarginStatus:
    """Margin requirement and cushion (dollars) under the intraday-margin regime.

    ``estimated`` is True when the workstation computed the requirement
    (``method`` says how) because the broker has not reported one.
    ``cushion`` = equity - requirement; ``cushion_share`` = cushion / equity (0-1).
    """

    requirement: Decimal
    equity: Decimal
    buying_power: Decimal | None
    estimated: bool
    method: str

    @property
    def cushion(self) -> Decimal:
        """Equity left above the requirement (dollars)."""
        return self.equity - self.requirement

    @property
    def cushion_share(self) -> float | None:
        """Cushion over equity (0-1), None without equity."""
        return float(self.cushion / self.equity) if self.equity > 0 else None


@dataclass(frozen=True, slots=True)
class AccountRisk:
    """One account's rule regime and status.

    ``regime_chosen`` is False when the regime is the default for the account
    type; ``equity`` dollars with ``equity_source`` naming where it came from;
    ``day_trades`` under legacy PDT, ``settlement`` for cash accounts,
    ``margin`` under intraday margin (each None when the regime does not use
    it); ``broker`` what the broker last reported and ``broker_difference`` a
    sentence when its day-trade count differs from ours ("" when it agrees).
    """

    broker: str
    account: str
    kind: AccountKind | None
    regime: RuleRegime
    regime_chosen: bool
    equity: Decimal | None
    equity_source: str
    day_trades: DayTradeStatus | None
    settlement: SettlementStatus | None
    margin: MarginStatus | None
    broker_status: BrokerAccountStatus | None
    broker_difference: str
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RiskReport:
    """Everything the risk panel shows at ``as_of``.

    ``scenario`` is None without priced positions. ``betas`` lists (underlying,
    beta to SPY, where it came from); ``benchmark_price`` SPY's price in dollars
    (NaN when unknown: then beta-weighted delta is not shown). ``problems`` lists market
    data that could not be read; ``left_out`` symbols held but not priced
    (futures); ``warnings`` the portfolio-level ones (account warnings are on
    each account).
    """

    as_of: datetime
    today: date
    positions: tuple[PositionRisk, ...]
    exposure: ExposureReport
    scenario: ScenarioGrid | None
    accounts: tuple[AccountRisk, ...]
    betas: tuple[tuple[str, float, str], ...]
    benchmark_price: float
    problems: tuple[str, ...]
    left_out: tuple[str, ...]
    warnings: tuple[str, ...]
