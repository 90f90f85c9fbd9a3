"""The schema: SQLAlchemy Core tables on one MetaData.

Conventions (the migrations in ``storage/migrations`` create exactly this):

- Instants are UTC epoch seconds: INTEGER for bar open times (``bars.ts``),
  REAL (microsecond precision, ``UtcInstant``) everywhere else.
- Calendar dates (expiries, IV history days) are ISO ``YYYY-MM-DD`` text
  (SQLAlchemy ``Date``).
- Broker money that must stay exact (multipliers, OCC strikes) is Decimal text
  (``DecimalText``); market-data prices are REAL dollars per share.
- Enumerations are TEXT holding the domain StrEnum values, guarded by CHECKs.
"""

from __future__ import annotations

from sqlalchemy import (
    REAL,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

from workstation.domain.account_rules import RuleRegime
from workstation.domain.accounts import AccountKind
from workstation.domain.event_calendar import EventKind, EventStatus
from workstation.domain.instruments import InstrumentKind
from workstation.domain.notifications import Severity
from workstation.domain.transactions import TransactionKind, TransactionSource
from workstation.storage.columns import DecimalText, UtcInstant

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

SYNC_STATUSES = ("running", "ok", "failed")
CALENDAR_ACTIONS = ("add", "override", "remove")
OPTION_KINDS = tuple(kind.value for kind in InstrumentKind if kind.is_option)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    """Return SQL that is true when ``column`` holds one of ``values``."""
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _any_of(column: str, values: tuple[str, ...]) -> str:
    """Return ``_one_of`` written as ``column = 'a' OR column = 'b' ...`` (same truth, NULL too).

    For a table written in bulk: SQLite builds a lookup table for an IN list
    of more than two constants each time an INSERT runs, i.e. once per row.
    """
    return " OR ".join(f"{column} = '{value}'" for value in values)


instruments = Table(
    "instruments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "symbol",
        Text,
        nullable=False,
        unique=True,
        comment="Canonical symbol; options use the 21-character OCC form",
    ),
    Column("kind", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("multiplier", DecimalText, nullable=False, comment="Units per contract"),
    Column("underlying", Text),
    Column("occ_root", Text),
    Column("expiry", Date),
    Column("option_right", Text),
    Column("strike", DecimalText, comment="Dollars per share"),
    Column("created_at", UtcInstant, nullable=False),
    CheckConstraint(_one_of("kind", tuple(k.value for k in InstrumentKind)), name="kind"),
    CheckConstraint("option_right IS NULL OR option_right IN ('C', 'P')", name="option_right"),
    CheckConstraint(
        f"NOT ({_one_of('kind', OPTION_KINDS)}) OR (occ_root IS NOT NULL AND expiry IS NOT NULL"
        " AND option_right IS NOT NULL AND strike IS NOT NULL)",
        name="option_fields",
    ),
)
Index(None, instruments.c.kind)

bars = Table(
    "bars",
    metadata,
    Column("symbol", Text, nullable=False),
    Column("timeframe", Text, nullable=False, comment="Timeframe value: 1m, 5m, 1d ..."),
    Column("ts", Integer, nullable=False, comment="Bar open, epoch seconds UTC"),
    Column("open", REAL, nullable=False),
    Column("high", REAL, nullable=False),
    Column("low", REAL, nullable=False),
    Column("close", REAL, nullable=False),
    Column("volume", REAL, nullable=False),
    PrimaryKeyConstraint("symbol", "timeframe", "ts"),
    sqlite_with_rowid=False,
)

quotes = Table(
    "quotes",
    metadata,
    Column("symbol", Text, primary_key=True),
    Column("bid", REAL, comment="NULL when unknown (indices)"),
    Column("ask", REAL),
    Column("last", REAL),
    Column("prev_close", REAL),
    Column("volume", REAL),
    Column("ts", UtcInstant, nullable=False, comment="When the provider produced the quote"),
    Column("source", Text, nullable=False, server_default=""),
    Column("received_at", UtcInstant, nullable=False),
)

chain_snapshots = Table(
    "chain_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("underlying", Text, nullable=False),
    Column("as_of", UtcInstant, nullable=False),
    Column("spot", REAL, nullable=False),
    Column("settlement", Text, nullable=False),
    Column("source", Text, nullable=False, server_default=""),
    CheckConstraint("settlement IN ('american', 'european')", name="settlement"),
)
Index(None, chain_snapshots.c.underlying, chain_snapshots.c.as_of)

chain_rows = Table(
    "chain_rows",
    metadata,
    Column(
        "snapshot_id", Integer, ForeignKey("chain_snapshots.id", ondelete="CASCADE"), nullable=False
    ),
    Column("expiry", Date, nullable=False),
    Column("strike", REAL, nullable=False),
    Column("is_call", Boolean, nullable=False),
    Column("bid", REAL),
    Column("ask", REAL),
    Column("last", REAL),
    Column("iv", REAL, comment="Decimal, 0.2 = 20 %"),
    Column("delta", REAL),
    Column("open_interest", Integer, nullable=False),
    Column("volume", Integer, nullable=False),
    PrimaryKeyConstraint("snapshot_id", "expiry", "strike", "is_call"),
)

iv_history = Table(
    "iv_history",
    metadata,
    Column("underlying", Text, nullable=False),
    Column("date", Date, nullable=False),
    Column("iv", REAL, nullable=False, comment="Decimal, 0.2 = 20 %"),
    Column("source", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("underlying", "date"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("broker", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("nickname", Text, nullable=False, server_default=""),
    Column("created_at", UtcInstant, nullable=False),
    UniqueConstraint("broker", "number"),
    CheckConstraint(_one_of("kind", tuple(k.value for k in AccountKind)), name="kind"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False, comment="JSON text"),
    Column("updated_at", UtcInstant, nullable=False),
)

sync_log = Table(
    "sync_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False, comment="import, sync, backfill, migration ..."),
    Column("source", Text, nullable=False),
    Column("account", Text),
    Column("started_at", UtcInstant, nullable=False),
    Column("finished_at", UtcInstant),
    Column("status", Text, nullable=False),
    Column("rows_added", Integer, nullable=False, server_default="0"),
    Column("detail", Text, nullable=False, server_default=""),
    CheckConstraint(_one_of("status", SYNC_STATUSES), name="status"),
)
Index(None, sync_log.c.started_at)

calendar_events = Table(
    "calendar_events",
    metadata,
    Column("id", Text, primary_key=True, comment="The event id; a bundled entry's id to change it"),
    Column(
        "action",
        Text,
        nullable=False,
        comment="add (the trader's own), override (replaces a bundled entry), remove (hides it)",
    ),
    Column("kind", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("at", UtcInstant, nullable=False, comment="Release instant"),
    Column("status", Text, nullable=False),
    Column("source", Text, nullable=False, server_default=""),
    Column("symbol", Text, comment="Underlying of an earnings report"),
    Column("first_day", Date, comment="Day 1 of an FOMC meeting"),
    Column("note", Text, nullable=False, server_default=""),
    Column("updated_at", UtcInstant, nullable=False),
    CheckConstraint(_one_of("action", CALENDAR_ACTIONS), name="action"),
    CheckConstraint(_one_of("kind", tuple(k.value for k in EventKind)), name="kind"),
    CheckConstraint(_one_of("status", tuple(s.value for s in EventStatus)), name="status"),
)
Index(None, calendar_events.c.at)


plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UtcInstant, nullable=False),
    Column("underlying", Text, nullable=False),
    Column("bias", Text, nullable=False),
    Column("dte", Integer, nullable=False, comment="The horizon asked for (calendar days)"),
    Column("spot", REAL, nullable=False, comment="Underlying price when planned"),
    Column("structure", Text, nullable=False, comment="StrategyKind value"),
    Column("legs", Text, nullable=False, comment="JSON list of legs (Decimal as text)"),
    Column("limit_price", DecimalText, nullable=False, comment="Net per share, > 0"),
    Column("price_effect", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("summary", Text, nullable=False, server_default="{}", comment="JSON numbers"),
    Column("reasons", Text, nullable=False, server_default="[]", comment="JSON list"),
    Column("guardrail_outcome", Text, nullable=False),
    Column("guardrail_findings", Text, nullable=False, server_default="[]"),
    Column("override_reason", Text, nullable=False, server_default=""),
    Column("decided_at", UtcInstant),
    Column("status", Text, nullable=False, server_default="planned"),
    Column("note", Text, nullable=False, server_default=""),
    Column("trade_ref", Text, comment="The trade that followed (linked later)"),
    CheckConstraint(_one_of("price_effect", ("debit", "credit")), name="price_effect"),
    CheckConstraint(_one_of("guardrail_outcome", ("clear", "overridden")), name="outcome"),
    CheckConstraint(
        _one_of("status", ("planned", "ordered", "traded", "abandoned")), name="status"
    ),
    CheckConstraint("quantity >= 1", name="quantity"),
    CheckConstraint(
        "guardrail_outcome != 'overridden' OR length(trim(override_reason)) > 0",
        name="override_reason",
    ),
)
Index(None, plans.c.underlying, plans.c.created_at)

transactions = Table(
    "transactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("broker", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("key", Text, nullable=False, comment="Broker transaction id, or fp:<content>#<n>"),
    Column("content_key", Text, nullable=False, comment="Source-independent fingerprint"),
    Column("kind", Text, nullable=False),
    Column("sub_type", Text, nullable=False, server_default=""),
    Column("executed_at", UtcInstant, nullable=False),
    Column("sequence", Integer, nullable=False, server_default="0"),
    Column("instrument", Text),
    Column("symbol", Text, nullable=False, server_default=""),
    Column("underlying", Text, nullable=False, server_default=""),
    Column("expiry", Date),
    Column("strike", DecimalText),
    Column("option_right", Text),
    Column("multiplier", DecimalText, nullable=False),
    Column("deliverable", DecimalText),
    Column("quantity", DecimalText, nullable=False, comment="Signed: + received, - delivered"),
    Column("price", DecimalText, comment="Per share / unit"),
    Column("value", DecimalText, nullable=False, comment="Signed cash before fees, credit +"),
    Column("commission", DecimalText, nullable=False),
    Column("clearing_fee", DecimalText, nullable=False),
    Column("regulatory_fee", DecimalText, nullable=False),
    Column("index_option_fee", DecimalText, nullable=False),
    Column("effect", Text),
    Column("order_id", Text, nullable=False, server_default=""),
    Column("reverses_key", Text, nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
    Column("currency", Text, nullable=False, server_default="USD"),
    Column("source", Text, nullable=False),
    Column("import_run", Integer, comment="sync_log id of the import or sync that wrote it"),
    CheckConstraint(_any_of("kind", tuple(k.value for k in TransactionKind)), name="kind"),
    CheckConstraint(_one_of("source", tuple(s.value for s in TransactionSource)), name="source"),
    CheckConstraint("effect IS NULL OR effect IN ('open', 'close')", name="effect"),
)
# A unique index rather than a constraint, so a first import can build it once, sorted.
Index(
    "uq_transactions_broker_account_key",
    transactions.c.broker,
    transactions.c.account,
    transactions.c.key,
    unique=True,
)
Index(None, transactions.c.broker, transactions.c.account, transactions.c.content_key)
Index(None, transactions.c.executed_at)

strategy_overrides = Table(
    "strategy_overrides",
    metadata,
    Column("kind", Text, nullable=False, comment="regroup, name or tags"),
    Column("subject", Text, nullable=False, comment="Opening transaction key or group id"),
    Column("value", Text, nullable=False, comment="Target group id, name, or JSON tag list"),
    Column("updated_at", UtcInstant, nullable=False),
    PrimaryKeyConstraint("kind", "subject"),
    CheckConstraint(_one_of("kind", ("regroup", "name", "tags")), name="kind"),
)

balance_snapshots = Table(
    "balance_snapshots",
    metadata,
    Column("broker", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("date", Date, nullable=False, comment="Trading day of the end-of-day snapshot"),
    Column("net_liquidating_value", DecimalText, nullable=False, comment="Dollars"),
    Column("cash_balance", DecimalText),
    Column("source", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("broker", "account", "date"),
)

ledger_snapshots = Table(
    "ledger_snapshots",
    metadata,
    Column("scope", Text, primary_key=True, comment="Account number, or * for all"),
    Column("inputs", Text, nullable=False, comment="Version of every input"),
    Column("symbols", Text, nullable=False, comment="JSON list: daily bars read"),
    Column("created_at", UtcInstant, nullable=False),
    Column("payload", LargeBinary, nullable=False),
)

ledger_edits = Table(
    "ledger_edits",
    metadata,
    Column("source", Text, primary_key=True, comment="The table whose edits count"),
    Column("edits", Integer, nullable=False, server_default="0"),
)

account_rules = Table(
    "account_rules",
    metadata,
    Column("broker", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("regime", Text, nullable=False, comment="The trader's choice of rule regime"),
    Column("updated_at", UtcInstant, nullable=False),
    PrimaryKeyConstraint("broker", "account"),
    CheckConstraint(_one_of("regime", tuple(r.value for r in RuleRegime)), name="regime"),
)

account_status = Table(
    "account_status",
    metadata,
    Column("broker", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("as_of", UtcInstant, nullable=False, comment="When the broker reported it"),
    Column("day_trade_count", Integer),
    Column("is_pattern_day_trader", Boolean),
    Column("pdt_reset_on", Date),
    Column("net_liquidating_value", DecimalText, comment="Dollars"),
    Column("cash_balance", DecimalText),
    Column("maintenance_requirement", DecimalText),
    Column("buying_power", DecimalText),
    Column("source", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("broker", "account"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("condition_key", Text, nullable=False, comment="One alert per condition, ever"),
    Column("source", Text, nullable=False, comment="exit, day_trades, settlement, ..."),
    Column("symbol", Text, nullable=False, server_default=""),
    Column("severity", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("context", Text, nullable=False, server_default="{}", comment="JSON: what fired"),
    Column("fired_at", UtcInstant, nullable=False),
    Column("acknowledged_at", UtcInstant),
    UniqueConstraint("condition_key"),
    CheckConstraint(_one_of("severity", tuple(s.value for s in Severity)), name="severity"),
)
Index(None, alerts.c.fired_at)

# The values of domain.playbook.AlertRuleKind (spelled out: that module loads numpy).
ALERT_RULE_KINDS = ("structure_event", "price_cross", "iv_rank", "expected_move_exit")

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("symbol", Text, nullable=False, comment="Ticker, or * for every watched ticker"),
    Column("kind", Text, nullable=False),
    Column(
        "parameters", Text, nullable=False, server_default="{}", comment="JSON: what it watches"
    ),
    Column("cooldown_minutes", Integer, nullable=False, comment="Least time between two fires"),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("muted_until", UtcInstant),
    Column("created_at", UtcInstant, nullable=False),
    CheckConstraint(_one_of("kind", ALERT_RULE_KINDS), name="kind"),
    CheckConstraint("cooldown_minutes >= 0", name="cooldown"),
)
Index(None, alert_rules.c.symbol)

alert_rule_fires = Table(
    "alert_rule_fires",
    metadata,
    Column("rule_id", Integer, ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
    Column("symbol", Text, nullable=False),
    Column("fired_at", UtcInstant, nullable=False, comment="The rule's last fire for the ticker"),
    PrimaryKeyConstraint("rule_id", "symbol"),
)

alert_mutes = Table(
    "alert_mutes",
    metadata,
    Column("symbol", Text, nullable=False),
    Column("muted_until", UtcInstant, nullable=False),
    PrimaryKeyConstraint("symbol"),
)

playbook_rules = Table(
    "playbook_rules",
    metadata,
    Column("position", Integer, nullable=False, comment="Order in the playbook, from 1"),
    Column("name", Text, nullable=False),
    Column("definition", Text, nullable=False, comment="JSON: the rule as in the playbook file"),
    Column("updated_at", UtcInstant, nullable=False),
    PrimaryKeyConstraint("position"),
    UniqueConstraint("name"),
)

LINK_STATES = ("linked", "syncing", "needs_relogin", "error")
ORDER_STATUSES = ("working", "filled", "cancelled", "rejected", "expired", "unknown")

broker_links = Table(
    "broker_links",
    metadata,
    Column("broker", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("linked_at", UtcInstant, nullable=False),
    Column("last_synced_at", UtcInstant, comment="End of the last sync that finished ok"),
    Column("detail", Text, nullable=False, server_default="", comment="Reason of the last error"),
    Column("updated_at", UtcInstant, nullable=False),
    PrimaryKeyConstraint("broker"),
    CheckConstraint(_one_of("state", LINK_STATES), name="state"),
)

linked_accounts = Table(
    "linked_accounts",
    metadata,
    Column("broker", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("remote_id", Text, nullable=False, comment="What the API wants in URLs (Schwab hash)"),
    Column("last_synced_at", UtcInstant),
    PrimaryKeyConstraint("broker", "account"),
)

sync_cursors = Table(
    "sync_cursors",
    metadata,
    Column("broker", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("stream", Text, nullable=False, comment="What is walked: transactions"),
    Column("through", UtcInstant, nullable=False, comment="Everything executed before is stored"),
    Column("updated_at", UtcInstant, nullable=False),
    PrimaryKeyConstraint("broker", "account", "stream"),
)

broker_positions = Table(
    "broker_positions",
    metadata,
    Column("broker", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("instrument", Text, nullable=False),
    Column("underlying", Text, nullable=False, server_default=""),
    Column("quantity", DecimalText, nullable=False, comment="Signed: short negative"),
    Column("average_price", DecimalText, comment="Per share / unit"),
    Column("multiplier", DecimalText, nullable=False),
    Column("mark", DecimalText, comment="Per share / unit"),
    Column("as_of", UtcInstant, nullable=False),
    PrimaryKeyConstraint("broker", "account", "symbol"),
)

broker_orders = Table(
    "broker_orders",
    metadata,
    Column("broker", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("raw_status", Text, nullable=False, server_default=""),
    Column("underlying", Text, nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
    Column("entered_at", UtcInstant, nullable=False),
    Column("updated_at", UtcInstant, nullable=False),
    PrimaryKeyConstraint("broker", "account", "order_id"),
    CheckConstraint(_one_of("status", ORDER_STATUSES), name="status"),
)
