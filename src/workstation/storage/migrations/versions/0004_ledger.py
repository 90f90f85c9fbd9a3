"""The trade ledger: broker transactions, strategy overrides, balance snapshots.

Hand-written and frozen: it never imports workstation.storage.tables, so it
keeps describing revision 0004.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "'trade', 'assignment', 'exercise', 'expiration', 'cash_settlement', 'dividend', "
    "'interest', 'deposit', 'withdrawal', 'fee', 'split', 'symbol_change', "
    "'balance_adjustment', 'mark_to_market'"
)


def upgrade() -> None:
    """Create the transactions, strategy_overrides and balance_snapshots tables."""
    _transactions()
    op.create_table(
        "strategy_overrides",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "subject", name=op.f("pk_strategy_overrides")),
        sa.CheckConstraint(
            "kind IN ('regroup', 'name', 'tags')", name=op.f("ck_strategy_overrides_kind")
        ),
    )
    op.create_table(
        "balance_snapshots",
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("net_liquidating_value", sa.Text(), nullable=False),
        sa.Column("cash_balance", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("broker", "account", "date", name=op.f("pk_balance_snapshots")),
    )


def _transactions() -> None:
    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("content_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("sub_type", sa.Text(), server_default="", nullable=False),
        sa.Column("executed_at", sa.REAL(), nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("instrument", sa.Text(), nullable=True),
        sa.Column("symbol", sa.Text(), server_default="", nullable=False),
        sa.Column("underlying", sa.Text(), server_default="", nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("strike", sa.Text(), nullable=True),
        sa.Column("option_right", sa.Text(), nullable=True),
        sa.Column("multiplier", sa.Text(), nullable=False),
        sa.Column("deliverable", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Text(), nullable=False),
        sa.Column("price", sa.Text(), nullable=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("commission", sa.Text(), nullable=False),
        sa.Column("clearing_fee", sa.Text(), nullable=False),
        sa.Column("regulatory_fee", sa.Text(), nullable=False),
        sa.Column("index_option_fee", sa.Text(), nullable=False),
        sa.Column("effect", sa.Text(), nullable=True),
        sa.Column("order_id", sa.Text(), server_default="", nullable=False),
        sa.Column("reverses_key", sa.Text(), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("currency", sa.Text(), server_default="USD", nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("import_run", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transactions")),
        sa.UniqueConstraint(
            "broker", "account", "key", name=op.f("uq_transactions_broker_account_key")
        ),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_transactions_kind")),
        sa.CheckConstraint("source IN ('csv', 'api')", name=op.f("ck_transactions_source")),
        sa.CheckConstraint(
            "effect IS NULL OR effect IN ('open', 'close')", name=op.f("ck_transactions_effect")
        ),
    )
    op.create_index(
        op.f("ix_transactions_broker_account_content_key"),
        "transactions",
        ["broker", "account", "content_key"],
    )
    op.create_index(op.f("ix_transactions_executed_at"), "transactions", ["executed_at"])


def downgrade() -> None:
    """Drop the ledger tables (imported transactions and overrides are lost)."""
    op.drop_table("balance_snapshots")
    op.drop_table("strategy_overrides")
    op.drop_index(op.f("ix_transactions_executed_at"), table_name="transactions")
    op.drop_index(op.f("ix_transactions_broker_account_content_key"), table_name="transactions")
    op.drop_table("transactions")
