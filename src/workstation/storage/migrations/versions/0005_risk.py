"""Risk: account rule regimes, what the broker reports, and fired alerts.

Hand-written and frozen: it never imports workstation.storage.tables, so it
keeps describing revision 0005.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REGIMES = "'legacy_pdt', 'intraday_margin', 'cash'"
SEVERITIES = "'info', 'warning', 'alert', 'error'"


def upgrade() -> None:
    """Create the account_rules, account_status and alerts tables."""
    op.create_table(
        "account_rules",
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("regime", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("broker", "account", name=op.f("pk_account_rules")),
        sa.CheckConstraint(f"regime IN ({REGIMES})", name=op.f("ck_account_rules_regime")),
    )
    _account_status()
    _alerts()


def _account_status() -> None:
    op.create_table(
        "account_status",
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("as_of", sa.REAL(), nullable=False),
        sa.Column("day_trade_count", sa.Integer(), nullable=True),
        sa.Column("is_pattern_day_trader", sa.Boolean(), nullable=True),
        sa.Column("pdt_reset_on", sa.Date(), nullable=True),
        sa.Column("net_liquidating_value", sa.Text(), nullable=True),
        sa.Column("cash_balance", sa.Text(), nullable=True),
        sa.Column("maintenance_requirement", sa.Text(), nullable=True),
        sa.Column("buying_power", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("broker", "account", name=op.f("pk_account_status")),
    )


def _alerts() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("condition_key", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), server_default="", nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), server_default="{}", nullable=False),
        sa.Column("fired_at", sa.REAL(), nullable=False),
        sa.Column("acknowledged_at", sa.REAL(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("condition_key", name=op.f("uq_alerts_condition_key")),
        sa.CheckConstraint(f"severity IN ({SEVERITIES})", name=op.f("ck_alerts_severity")),
    )
    op.create_index(op.f("ix_alerts_fired_at"), "alerts", ["fired_at"])


def downgrade() -> None:
    """Drop the risk tables (regime choices, broker status and alert history are lost)."""
    op.drop_index(op.f("ix_alerts_fired_at"), table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("account_status")
    op.drop_table("account_rules")
