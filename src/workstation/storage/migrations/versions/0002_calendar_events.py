"""The trader's economic-calendar additions, overrides and removals (``calendar_events``).

Hand-written and frozen: it never imports workstation.storage.tables, so it
keeps describing revision 0002.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS = "'add', 'override', 'remove'"
EVENT_KINDS = "'fomc', 'cpi', 'jobs', 'earnings', 'other'"
EVENT_STATUSES = "'confirmed', 'scheduled', 'tentative', 'cancelled'"


def upgrade() -> None:
    """Create the calendar_events table and its index on the release instant."""
    op.create_table(
        "calendar_events",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("at", sa.REAL(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("symbol", sa.Text(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_events")),
        sa.CheckConstraint(f"action IN ({ACTIONS})", name=op.f("ck_calendar_events_action")),
        sa.CheckConstraint(f"kind IN ({EVENT_KINDS})", name=op.f("ck_calendar_events_kind")),
        sa.CheckConstraint(f"status IN ({EVENT_STATUSES})", name=op.f("ck_calendar_events_status")),
    )
    op.create_index(op.f("ix_calendar_events_at"), "calendar_events", ["at"])


def downgrade() -> None:
    """Drop the calendar_events table (the trader's calendar edits are lost)."""
    op.drop_index(op.f("ix_calendar_events_at"), table_name="calendar_events")
    op.drop_table("calendar_events")
