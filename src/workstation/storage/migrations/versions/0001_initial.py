"""Initial schema: instruments, bars, quotes, chains, IV history, accounts, settings, sync log.

Hand-written and frozen: later schema changes get their own revision; this file
never imports workstation.storage.tables, so it keeps describing revision 0001.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTRUMENT_KINDS = (
    "'equity', 'etf', 'index', 'equity_option', 'index_option', 'future', 'future_option'"
)
OPTION_KINDS = "'equity_option', 'index_option', 'future_option'"
ACCOUNT_KINDS = "'margin', 'cash', 'ira', 'demo'"


def upgrade() -> None:
    """Create every table of the first schema."""
    _create_instruments()
    _create_market_data()
    _create_chains()
    _create_bookkeeping()


def downgrade() -> None:
    """Drop every table of the first schema."""
    op.drop_index(op.f("ix_sync_log_started_at"), table_name="sync_log")
    op.drop_index(op.f("ix_chain_snapshots_underlying_as_of"), table_name="chain_snapshots")
    op.drop_index(op.f("ix_instruments_kind"), table_name="instruments")
    for table in (
        "sync_log",
        "settings",
        "accounts",
        "iv_history",
        "chain_rows",
        "chain_snapshots",
        "quotes",
        "bars",
        "instruments",
    ):
        op.drop_table(table)


def _create_instruments() -> None:
    op.create_table(
        "instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("multiplier", sa.Text(), nullable=False),
        sa.Column("underlying", sa.Text(), nullable=True),
        sa.Column("occ_root", sa.Text(), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("option_right", sa.Text(), nullable=True),
        sa.Column("strike", sa.Text(), nullable=True),
        sa.Column("created_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruments")),
        sa.UniqueConstraint("symbol", name=op.f("uq_instruments_symbol")),
        sa.CheckConstraint(f"kind IN ({INSTRUMENT_KINDS})", name=op.f("ck_instruments_kind")),
        sa.CheckConstraint(
            "option_right IS NULL OR option_right IN ('C', 'P')",
            name=op.f("ck_instruments_option_right"),
        ),
        sa.CheckConstraint(
            f"NOT (kind IN ({OPTION_KINDS})) OR (occ_root IS NOT NULL AND expiry IS NOT NULL"
            " AND option_right IS NOT NULL AND strike IS NOT NULL)",
            name=op.f("ck_instruments_option_fields"),
        ),
    )
    op.create_index(op.f("ix_instruments_kind"), "instruments", ["kind"])


def _create_market_data() -> None:
    op.create_table(
        "bars",
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("timeframe", sa.Text(), nullable=False),
        sa.Column("ts", sa.Integer(), nullable=False),
        *(
            sa.Column(name, sa.REAL(), nullable=False)
            for name in ("open", "high", "low", "close", "volume")
        ),
        sa.PrimaryKeyConstraint("symbol", "timeframe", "ts", name=op.f("pk_bars")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "quotes",
        sa.Column("symbol", sa.Text(), nullable=False),
        *(
            sa.Column(name, sa.REAL(), nullable=True)
            for name in ("bid", "ask", "last", "prev_close", "volume")
        ),
        sa.Column("ts", sa.REAL(), nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("received_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_quotes")),
    )
    op.create_table(
        "iv_history",
        sa.Column("underlying", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("iv", sa.REAL(), nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("underlying", "date", name=op.f("pk_iv_history")),
    )


def _create_chains() -> None:
    op.create_table(
        "chain_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("underlying", sa.Text(), nullable=False),
        sa.Column("as_of", sa.REAL(), nullable=False),
        sa.Column("spot", sa.REAL(), nullable=False),
        sa.Column("settlement", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_snapshots")),
        sa.CheckConstraint(
            "settlement IN ('american', 'european')", name=op.f("ck_chain_snapshots_settlement")
        ),
    )
    op.create_index(
        op.f("ix_chain_snapshots_underlying_as_of"), "chain_snapshots", ["underlying", "as_of"]
    )
    op.create_table(
        "chain_rows",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=False),
        sa.Column("strike", sa.REAL(), nullable=False),
        sa.Column("is_call", sa.Boolean(), nullable=False),
        *(
            sa.Column(name, sa.REAL(), nullable=True)
            for name in ("bid", "ask", "last", "iv", "delta")
        ),
        sa.Column("open_interest", sa.Integer(), nullable=False),
        sa.Column("volume", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["chain_snapshots.id"],
            ondelete="CASCADE",
            name=op.f("fk_chain_rows_snapshot_id_chain_snapshots"),
        ),
        sa.PrimaryKeyConstraint(
            "snapshot_id", "expiry", "strike", "is_call", name=op.f("pk_chain_rows")
        ),
    )


def _create_bookkeeping() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("nickname", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("broker", "number", name=op.f("uq_accounts_broker_number")),
        sa.CheckConstraint(f"kind IN ({ACCOUNT_KINDS})", name=op.f("ck_accounts_kind")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "sync_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=True),
        sa.Column("started_at", sa.REAL(), nullable=False),
        sa.Column("finished_at", sa.REAL(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("rows_added", sa.Integer(), server_default="0", nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_log")),
        sa.CheckConstraint(
            "status IN ('running', 'ok', 'failed')", name=op.f("ck_sync_log_status")
        ),
    )
    op.create_index(op.f("ix_sync_log_started_at"), "sync_log", ["started_at"])
