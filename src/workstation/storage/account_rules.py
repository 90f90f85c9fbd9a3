"""Per-account rule choices (``account_rules``) and broker-reported status (``account_status``).

The regime row exists only when the trader chose one; otherwise the service
uses ``default_regime``. The status row is the broker's latest report
(written by broker sync), one per account, replaced on every write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert

from workstation.domain.account_rules import BrokerAccountStatus, RuleRegime
from workstation.storage.database import Database
from workstation.storage.tables import account_rules, account_status


class AccountRuleStore:
    """The trader's rule regime per (broker, account)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def regimes(self) -> dict[tuple[str, str], RuleRegime]:
        """Return every chosen regime keyed by (broker, account)."""
        with self._db.engine.connect() as connection:
            return {
                (r.broker, r.account): RuleRegime(r.regime)
                for r in connection.execute(select(account_rules))
            }

    def set_regime(self, broker: str, account: str, regime: RuleRegime, at: datetime) -> None:
        """Choose ``regime`` for the account (replacing an earlier choice)."""
        statement = insert(account_rules).values(
            broker=broker, account=account, regime=RuleRegime(regime).value, updated_at=at
        )
        statement = statement.on_conflict_do_update(
            index_elements=["broker", "account"],
            set_={"regime": statement.excluded.regime, "updated_at": statement.excluded.updated_at},
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement)

    def clear_regime(self, broker: str, account: str) -> None:
        """Forget the trader's choice; the default for the account type applies again."""
        t = account_rules.c
        statement = delete(account_rules).where(t.broker == broker, t.account == account)
        with self._db.engine.begin() as connection:
            connection.execute(statement)


class AccountStatusStore:
    """The broker's latest report per account."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, status: BrokerAccountStatus) -> None:
        """Store ``status`` as the account's latest broker report."""
        values = {
            "broker": status.broker,
            "account": status.account,
            "as_of": status.as_of,
            "day_trade_count": status.day_trade_count,
            "is_pattern_day_trader": status.is_pattern_day_trader,
            "pdt_reset_on": status.pdt_reset_on,
            "net_liquidating_value": status.net_liquidating_value,
            "cash_balance": status.cash_balance,
            "maintenance_requirement": status.maintenance_requirement,
            "buying_power": status.buying_power,
            "source": status.source,
        }
        statement = insert(account_status).values(**values)
        keep = {k: statement.excluded[k] for k in values if k not in ("broker", "account")}
        statement = statement.on_conflict_do_update(index_elements=["broker", "account"], set_=keep)
        with self._db.engine.begin() as connection:
            connection.execute(statement)

    def all(self) -> dict[tuple[str, str], BrokerAccountStatus]:
        """Return every account's latest broker report keyed by (broker, account)."""
        with self._db.engine.connect() as connection:
            return {
                (r.broker, r.account): BrokerAccountStatus(
                    r.broker, r.account, r.as_of, r.day_trade_count, r.is_pattern_day_trader,
                    r.pdt_reset_on, r.net_liquidating_value, r.cash_balance,
                    r.maintenance_requirement, r.buying_power, r.source,
                )
                for r in connection.execute(select(account_status))
            }  # fmt: skip
