"""Saved trade plans with their reasons and guardrail decisions (``plans``).

Hand-written and frozen: it never imports workstation.storage.tables, so it
keeps describing revision 0003.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'planned', 'ordered', 'traded', 'abandoned'"


def upgrade() -> None:
    """Create the plans table and its index by underlying and time."""
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.REAL(), nullable=False),
        sa.Column("underlying", sa.Text(), nullable=False),
        sa.Column("bias", sa.Text(), nullable=False),
        sa.Column("dte", sa.Integer(), nullable=False),
        sa.Column("spot", sa.REAL(), nullable=False),
        sa.Column("structure", sa.Text(), nullable=False),
        sa.Column("legs", sa.Text(), nullable=False),
        sa.Column("limit_price", sa.Text(), nullable=False),
        sa.Column("price_effect", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), server_default="{}", nullable=False),
        sa.Column("reasons", sa.Text(), server_default="[]", nullable=False),
        sa.Column("guardrail_outcome", sa.Text(), nullable=False),
        sa.Column("guardrail_findings", sa.Text(), server_default="[]", nullable=False),
        sa.Column("override_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("decided_at", sa.REAL(), nullable=True),
        sa.Column("status", sa.Text(), server_default="planned", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("trade_ref", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.CheckConstraint(
            "price_effect IN ('debit', 'credit')", name=op.f("ck_plans_price_effect")
        ),
        sa.CheckConstraint(
            "guardrail_outcome IN ('clear', 'overridden')", name=op.f("ck_plans_outcome")
        ),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_plans_status")),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_plans_quantity")),
        sa.CheckConstraint(
            "guardrail_outcome != 'overridden' OR length(trim(override_reason)) > 0",
            name=op.f("ck_plans_override_reason"),
        ),
    )
    op.create_index(op.f("ix_plans_underlying_created_at"), "plans", ["underlying", "created_at"])


def downgrade() -> None:
    """Drop the plans table (saved plans are lost)."""
    op.drop_index(op.f("ix_plans_underlying_created_at"), table_name="plans")
    op.drop_table("plans")
