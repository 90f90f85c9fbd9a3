"""Which day-trade and settlement rules govern an account, and what its broker reports.

FINRA replaced the pattern-day-trader provisions with intraday margin
standards (effective 2026-06-04, phased in by brokers until 2027-10-20), so
an account follows one of three regimes: legacy PDT counting, the broker's
intraday margin, or (cash accounts and IRAs, which cannot borrow) settlement
rules. The regime defaults from the account type and the trader can change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from workstation.domain.accounts import AccountKind


class RuleRegime(StrEnum):
    """The account rule regime the risk panel checks."""

    LEGACY_PDT = "legacy_pdt"
    INTRADAY_MARGIN = "intraday_margin"
    CASH = "cash"

    @property
    def label(self) -> str:
        """The regime in the trader's words."""
        return _LABELS[self]


_LABELS = {
    RuleRegime.LEGACY_PDT: "Legacy PDT (4 day trades in 5 sessions)",
    RuleRegime.INTRADAY_MARGIN: "Intraday margin (2026 standard)",
    RuleRegime.CASH: "Cash account (settlement rules)",
}


def default_regime(kind: AccountKind | None, broker: str = "") -> RuleRegime:
    """Return the regime an account of ``kind`` at ``broker`` follows unless the trader says.

    Cash accounts and IRAs (which cannot borrow) follow settlement rules.
    Margin accounts default to legacy PDT counting: both supported brokers
    still enforce it while they phase in the 2026 standard, and warning too
    early is cheaper than a 90-day restriction. ``broker`` is accepted so a
    broker that has moved can default differently.
    """
    del broker  # no supported broker has adopted intraday margin yet
    if kind in (AccountKind.CASH, AccountKind.IRA):
        return RuleRegime.CASH
    return RuleRegime.LEGACY_PDT


@dataclass(frozen=True, slots=True)
class BrokerAccountStatus:
    """What the broker last reported about an account's rules and balances.

    Money in dollars; ``None`` where the broker did not say. Written by broker
    sync (tastytrade ``trading-status`` and ``balances``; Schwab account
    balances); shown beside the workstation's own figures.
    """

    broker: str
    account: str
    as_of: datetime
    day_trade_count: int | None = None
    is_pattern_day_trader: bool | None = None
    pdt_reset_on: date | None = None
    net_liquidating_value: Decimal | None = None
    cash_balance: Decimal | None = None
    maintenance_requirement: Decimal | None = None
    buying_power: Decimal | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None:
            raise ValueError(
                f"broker status of {self.broker}/{self.account}: as_of {self.as_of} "
                "has no time zone"
            )
