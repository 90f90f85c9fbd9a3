"""Broker sync: links and their state, linked accounts, sync cursors, broker positions, orders.

Hand-written and frozen: it never imports workstation.storage.tables, so it
keeps describing revision 0007.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINK_STATES = "'linked', 'syncing', 'needs_relogin', 'error'"
ORDER_STATUSES = "'working', 'filled', 'cancelled', 'rejected', 'expired', 'unknown'"


def upgrade() -> None:
    """Create broker_links, linked_accounts, sync_cursors, broker_positions, broker_orders."""
    _links()
    op.create_table(
        "sync_cursors",
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("stream", sa.Text(), nullable=False, comment="What is walked: transactions"),
        sa.Column(
            "through", sa.REAL(), nullable=False, comment="Everything executed before is stored"
        ),
        sa.Column("updated_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("broker", "account", "stream", name=op.f("pk_sync_cursors")),
    )
    _positions()
    _orders()


def _links() -> None:
    op.create_table(
        "broker_links",
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("linked_at", sa.REAL(), nullable=False),
        sa.Column(
            "last_synced_at",
            sa.REAL(),
            nullable=True,
            comment="End of the last sync that finished ok",
        ),
        sa.Column(
            "detail",
            sa.Text(),
            server_default="",
            nullable=False,
            comment="Reason of the last error",
        ),
        sa.Column("updated_at", sa.REAL(), nullable=False),
        sa.CheckConstraint(f"state IN ({LINK_STATES})", name=op.f("ck_broker_links_state")),
        sa.PrimaryKeyConstraint("broker", name=op.f("pk_broker_links")),
    )
    op.create_table(
        "linked_accounts",
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column(
            "remote_id",
            sa.Text(),
            nullable=False,
            comment="What the API wants in URLs (Schwab hash)",
        ),
        sa.Column("last_synced_at", sa.REAL(), nullable=True),
        sa.PrimaryKeyConstraint("broker", "account", name=op.f("pk_linked_accounts")),
    )


def _positions() -> None:
    op.create_table(
        "broker_positions",
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("instrument", sa.Text(), nullable=False),
        sa.Column("underlying", sa.Text(), server_default="", nullable=False),
        sa.Column("quantity", sa.Text(), nullable=False, comment="Signed: short negative"),
        sa.Column("average_price", sa.Text(), nullable=True, comment="Per share / unit"),
        sa.Column("multiplier", sa.Text(), nullable=False),
        sa.Column("mark", sa.Text(), nullable=True, comment="Per share / unit"),
        sa.Column("as_of", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("broker", "account", "symbol", name=op.f("pk_broker_positions")),
    )


def _orders() -> None:
    op.create_table(
        "broker_orders",
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("raw_status", sa.Text(), server_default="", nullable=False),
        sa.Column("underlying", sa.Text(), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("entered_at", sa.REAL(), nullable=False),
        sa.Column("updated_at", sa.REAL(), nullable=False),
        sa.CheckConstraint(f"status IN ({ORDER_STATUSES})", name=op.f("ck_broker_orders_status")),
        sa.PrimaryKeyConstraint("broker", "account", "order_id", name=op.f("pk_broker_orders")),
    )


def downgrade() -> None:
    """Drop the broker sync tables."""
    for table in (
        "broker_orders",
        "broker_positions",
        "sync_cursors",
        "linked_accounts",
        "broker_links",
    ):
        op.drop_table(table)
