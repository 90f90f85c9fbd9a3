"""Per-account rules: regime, equity, day trades, settlement, margin, and the broker's figures.

Equity is the broker's last reported net liquidating value when there is
one, else the ledger's: cash (every row's net value) plus the open
positions at their marks. Day trades are counted under legacy PDT, the
settlement rules run for cash accounts, and the margin cushion under the
intraday-margin regime uses the broker's requirement or, failing that, the
workstation's estimate (engines/risk/margin), labelled as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from workstation.domain.account_rules import BrokerAccountStatus, RuleRegime, default_regime
from workstation.domain.accounts import AccountKind
from workstation.domain.daytrades import DayTradeMethod, DayTradeStatus
from workstation.domain.risk import AccountRisk, MarginStatus
from workstation.domain.settlement import SettlementStatus
from workstation.domain.transactions import Transaction
from workstation.engines.risk.daytrades import day_trade_status
from workstation.engines.risk.settlement import settlement_status
from workstation.engines.sessions import TradingCalendar

ZERO = Decimal(0)
FUTURE_SESSIONS_DAYS = 20  # drop-off dates need sessions past today
ESTIMATE_METHOD = "estimate: FINRA/CBOE minimums per position (brokers add house rules)"


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What the service knows of one account before judging it.

    ``market_value`` dollars of the account's open positions at their marks
    (None when a position has no mark); ``requirement`` the estimated
    maintenance requirement of its positions (dollars).
    """

    broker: str
    account: str
    kind: AccountKind | None
    chosen: RuleRegime | None
    rows: Sequence[Transaction]
    market_value: Decimal | None
    requirement: Decimal
    broker_status: BrokerAccountStatus | None


@dataclass(frozen=True, slots=True)
class CountingRules:
    """How day trades are counted (the workspace settings)."""

    method: DayTradeMethod = DayTradeMethod.PAIRS
    legs_count_once: bool = False


def account_risk(
    facts: AccountFacts, today: date, calendar: TradingCalendar, counting: CountingRules
) -> AccountRisk:
    """Judge one account under its regime at ``today``."""
    regime = facts.chosen or default_regime(facts.kind, facts.broker)
    equity, source = _equity(facts)
    sessions = _sessions(facts.rows, today, calendar)
    day_trades = settlement = margin = None
    if regime is RuleRegime.LEGACY_PDT:
        day_trades = day_trade_status(
            facts.rows, sessions, today, counting.method, equity=equity, account=facts.account,
            legs_of_one_order_count_once=counting.legs_count_once,
        )  # fmt: skip
    elif regime is RuleRegime.CASH:
        settlement = settlement_status(facts.rows, sessions, today)
    else:
        margin = _margin(facts, equity)
    difference = _difference(facts.broker_status, day_trades)
    warnings = _warnings(regime, day_trades, settlement, margin, difference)
    return AccountRisk(
        facts.broker, facts.account, facts.kind, regime, facts.chosen is not None, equity,
        source, day_trades, settlement, margin, facts.broker_status, difference, warnings,
    )  # fmt: skip


def accounts_of(rows: Sequence[Transaction]) -> dict[tuple[str, str], list[Transaction]]:
    """Split ledger rows by (broker, account), keeping their order."""
    found: dict[tuple[str, str], list[Transaction]] = {}
    for row in rows:
        found.setdefault((row.broker, row.account), []).append(row)
    return found


def _equity(facts: AccountFacts) -> tuple[Decimal | None, str]:
    status = facts.broker_status
    if status is not None and status.net_liquidating_value is not None:
        return status.net_liquidating_value, f"{facts.broker} (reported {status.as_of:%Y-%m-%d})"
    if facts.market_value is None:
        return None, "unknown: a position has no mark"
    cash = sum((row.net_value for row in facts.rows), ZERO)
    return (cash + facts.market_value).quantize(Decimal("0.01")), "ledger: cash + marks"


def _sessions(rows: Sequence[Transaction], today: date, calendar: TradingCalendar) -> list[date]:
    first = min((row.trade_date for row in rows), default=today) - timedelta(days=10)
    return calendar.sessions(first, today + timedelta(days=FUTURE_SESSIONS_DAYS))


def _margin(facts: AccountFacts, equity: Decimal | None) -> MarginStatus | None:
    if equity is None:
        return None
    status = facts.broker_status
    if status is not None and status.maintenance_requirement is not None:
        return MarginStatus(status.maintenance_requirement, equity, status.buying_power, False,
                            f"{facts.broker} reported")  # fmt: skip
    return MarginStatus(facts.requirement, equity, None, True, ESTIMATE_METHOD)


def _difference(broker: BrokerAccountStatus | None, ours: DayTradeStatus | None) -> str:
    if broker is None or broker.day_trade_count is None or ours is None:
        return ""
    if broker.day_trade_count == ours.count:
        return ""
    return (
        f"{broker.broker} counts {broker.day_trade_count} day trades in the window; the "
        f"workstation counts {ours.count} ({ours.method.value}). Check fills the ledger lacks "
        "or a different counting method."
    )


def _warnings(
    regime: RuleRegime,
    day_trades: DayTradeStatus | None,
    settlement: SettlementStatus | None,
    margin: MarginStatus | None,
    difference: str,
) -> tuple[str, ...]:
    found: list[str] = []
    if day_trades is not None:
        found += _pdt_warnings(day_trades)
    if settlement is not None:
        found += settlement.warnings
    if margin is not None and margin.cushion < 0:
        found.append(f"Margin call risk: requirement exceeds equity by {-margin.cushion:,.2f} USD")
    if difference:
        found.append(difference)
    return tuple(found)


def _pdt_warnings(status: DayTradeStatus) -> list[str]:
    found = []
    if status.is_pattern:
        found.append(
            f"{status.count} day trades in 5 sessions ({float(status.share):.0%} of trades): "
            "the account is a pattern day trader"
            + (" and is below the 25,000 USD minimum equity" if status.below_minimum else "")
        )
    elif status.count == 3:
        found.append("3 day trades in the window: the next one flags the account")
    return found
