"""Saved P&L snapshots, and edit counters that tell when a snapshot went stale.

``ledger_snapshots`` keeps the last full P&L view per account scope, with the
version of every input it was computed from. Row inserts into
``transactions`` show in (row count, largest id); everything else that
changes a ledger's inputs in place (a sync adopting a CSV row, a deleted
row, a strategy correction, a broker balance) bumps a counter in
``ledger_edits`` through the triggers below, so no writer can forget to.

Hand-written and frozen: it never imports workstation.storage.tables, so it
keeps describing revision 0008.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (trigger name, event, table whose edits it counts)
TRIGGERS = (
    ("tr_transactions_update_edits", "UPDATE", "transactions"),
    ("tr_transactions_delete_edits", "DELETE", "transactions"),
    ("tr_strategy_overrides_insert_edits", "INSERT", "strategy_overrides"),
    ("tr_strategy_overrides_update_edits", "UPDATE", "strategy_overrides"),
    ("tr_strategy_overrides_delete_edits", "DELETE", "strategy_overrides"),
    ("tr_balance_snapshots_insert_edits", "INSERT", "balance_snapshots"),
    ("tr_balance_snapshots_update_edits", "UPDATE", "balance_snapshots"),
    ("tr_balance_snapshots_delete_edits", "DELETE", "balance_snapshots"),
)


def upgrade() -> None:
    """Create ledger_snapshots, ledger_edits (seeded) and the counting triggers."""
    op.create_table(
        "ledger_snapshots",
        sa.Column("scope", sa.Text(), nullable=False, comment="Account number, or * for all"),
        sa.Column("inputs", sa.Text(), nullable=False, comment="Version of every input"),
        sa.Column("symbols", sa.Text(), nullable=False, comment="JSON list: daily bars read"),
        sa.Column("created_at", sa.REAL(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_ledger_snapshots")),
    )
    op.create_table(
        "ledger_edits",
        sa.Column("source", sa.Text(), nullable=False, comment="The table whose edits count"),
        sa.Column("edits", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_ledger_edits")),
    )
    for source in sorted({table for _, _, table in TRIGGERS}):
        op.execute(f"INSERT INTO ledger_edits (source, edits) VALUES ('{source}', 0)")
    for name, event, table in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
            f"UPDATE ledger_edits SET edits = edits + 1 WHERE source = '{table}'; END"
        )


def downgrade() -> None:
    """Drop the triggers and both tables (snapshots are recomputed on demand)."""
    for name, _, _ in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("ledger_edits")
    op.drop_table("ledger_snapshots")
