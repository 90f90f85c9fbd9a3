"""Alert rules: the trader's rules, their last fire per ticker, muted tickers, the playbook.

Hand-written and frozen: it never imports workstation.storage.tables, so it
keeps describing revision 0006.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'structure_event', 'price_cross', 'iv_rank', 'expected_move_exit'"


def upgrade() -> None:
    """Create the alert_rules, alert_rule_fires, alert_mutes and playbook_rules tables."""
    _alert_rules()
    op.create_table(
        "alert_rule_fires",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("fired_at", sa.REAL(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["alert_rules.id"],
            ondelete="CASCADE",
            name=op.f("fk_alert_rule_fires_rule_id_alert_rules"),
        ),
        sa.PrimaryKeyConstraint("rule_id", "symbol", name=op.f("pk_alert_rule_fires")),
    )
    op.create_table(
        "alert_mutes",
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("muted_until", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_alert_mutes")),
    )
    op.create_table(
        "playbook_rules",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_playbook_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_playbook_rules_name")),
    )


def _alert_rules() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("parameters", sa.Text(), server_default="{}", nullable=False),
        sa.Column("cooldown_minutes", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("muted_until", sa.REAL(), nullable=True),
        sa.Column("created_at", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rules")),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_alert_rules_kind")),
        sa.CheckConstraint("cooldown_minutes >= 0", name=op.f("ck_alert_rules_cooldown")),
    )
    op.create_index(op.f("ix_alert_rules_symbol"), "alert_rules", ["symbol"])


def downgrade() -> None:
    """Drop the alert-rule tables (rules, fire times, mutes and the edited playbook are lost)."""
    op.drop_table("playbook_rules")
    op.drop_table("alert_mutes")
    op.drop_table("alert_rule_fires")
    op.drop_index(op.f("ix_alert_rules_symbol"), table_name="alert_rules")
    op.drop_table("alert_rules")
