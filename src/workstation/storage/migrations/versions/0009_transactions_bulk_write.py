"""Transactions: the same rules, in a form SQLite checks cheaply on a bulk write.

Rebuilds ``transactions`` (SQLite cannot alter a CHECK or drop a UNIQUE
constraint in place) with two changes that keep every rule as it was:

- the ``kind`` check lists its fourteen values as ``kind = '...' OR ...``
  instead of ``kind IN (...)``. SQLite builds a lookup table for an IN list
  of more than two constants each time the INSERT runs, that is once per
  row; measured 0.25 s of a 100,000-row import.
- the uniqueness of (broker, account, key) is a named unique index instead
  of a table constraint, so a first import into an empty table can drop it
  and build it once, sorted, after the rows are in (about 0.1 s less), in
  the same transaction.

Rows keep their ids; the indexes and the ledger-edit triggers of 0008 are
created again. Hand-written and frozen: it never imports
workstation.storage.tables, so it keeps describing revision 0009.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "trade", "assignment", "exercise", "expiration", "cash_settlement", "dividend",
    "interest", "deposit", "withdrawal", "fee", "split", "symbol_change",
    "balance_adjustment", "mark_to_market",
)  # fmt: skip
COLUMNS = (
    "id", "broker", "account", "key", "content_key", "kind", "sub_type", "executed_at",
    "sequence", "instrument", "symbol", "underlying", "expiry", "strike", "option_right",
    "multiplier", "deliverable", "quantity", "price", "value", "commission", "clearing_fee",
    "regulatory_fee", "index_option_fee", "effect", "order_id", "reverses_key", "description",
    "currency", "source", "import_run",
)  # fmt: skip
UNIQUE_KEY = "uq_transactions_broker_account_key"
# The triggers of 0008 that count in-place edits; dropping the table drops them.
TRIGGERS = (("tr_transactions_update_edits", "UPDATE"), ("tr_transactions_delete_edits", "DELETE"))
_NEW = "_transactions_rebuilt"


def upgrade() -> None:
    """Rebuild transactions with an OR-list kind check and a unique key index."""
    kind_check = " OR ".join(f"kind = '{kind}'" for kind in KINDS)
    _rebuild(sa.CheckConstraint(kind_check, name=op.f("ck_transactions_kind")), unique=False)
    op.create_index(op.f(UNIQUE_KEY), "transactions", ["broker", "account", "key"], unique=True)
    _finish()


def downgrade() -> None:
    """Rebuild transactions as 0004 made it: an IN-list kind check, a UNIQUE constraint."""
    listed = ", ".join(f"'{kind}'" for kind in KINDS)
    _rebuild(sa.CheckConstraint(f"kind IN ({listed})", name=op.f("ck_transactions_kind")), True)
    _finish()


def _rebuild(kind_check: sa.CheckConstraint, unique: bool) -> None:
    """Copy every row into a table with ``kind_check`` (and the UNIQUE constraint if asked)."""
    constraints: list[sa.Constraint] = [
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transactions")),
        kind_check,
        sa.CheckConstraint("source IN ('csv', 'api')", name=op.f("ck_transactions_source")),
        sa.CheckConstraint(
            "effect IS NULL OR effect IN ('open', 'close')", name=op.f("ck_transactions_effect")
        ),
    ]
    if unique:
        constraints.append(sa.UniqueConstraint("broker", "account", "key", name=op.f(UNIQUE_KEY)))
    op.create_table(_NEW, *_columns(), *constraints)
    listed = ", ".join(f'"{name}"' for name in COLUMNS)
    op.execute(f"INSERT INTO {_NEW} ({listed}) SELECT {listed} FROM transactions")
    op.drop_table("transactions")  # its indexes and triggers go with it
    op.rename_table(_NEW, "transactions")


def _finish() -> None:
    """Create the other indexes and the ledger-edit triggers on the rebuilt table."""
    op.create_index(
        op.f("ix_transactions_broker_account_content_key"),
        "transactions",
        ["broker", "account", "content_key"],
    )
    op.create_index(op.f("ix_transactions_executed_at"), "transactions", ["executed_at"])
    for name, event in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON transactions BEGIN "
            "UPDATE ledger_edits SET edits = edits + 1 WHERE source = 'transactions'; END"
        )


def _columns() -> list[sa.Column[object]]:
    text = sa.Text
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broker", text(), nullable=False),
        sa.Column("account", text(), nullable=False),
        sa.Column("key", text(), nullable=False),
        sa.Column("content_key", text(), nullable=False),
        sa.Column("kind", text(), nullable=False),
        sa.Column("sub_type", text(), server_default="", nullable=False),
        sa.Column("executed_at", sa.REAL(), nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("instrument", text(), nullable=True),
        sa.Column("symbol", text(), server_default="", nullable=False),
        sa.Column("underlying", text(), server_default="", nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("strike", text(), nullable=True),
        sa.Column("option_right", text(), nullable=True),
        sa.Column("multiplier", text(), nullable=False),
        sa.Column("deliverable", text(), nullable=True),
        sa.Column("quantity", text(), nullable=False),
        sa.Column("price", text(), nullable=True),
        sa.Column("value", text(), nullable=False),
        sa.Column("commission", text(), nullable=False),
        sa.Column("clearing_fee", text(), nullable=False),
        sa.Column("regulatory_fee", text(), nullable=False),
        sa.Column("index_option_fee", text(), nullable=False),
        sa.Column("effect", text(), nullable=True),
        sa.Column("order_id", text(), server_default="", nullable=False),
        sa.Column("reverses_key", text(), server_default="", nullable=False),
        sa.Column("description", text(), server_default="", nullable=False),
        sa.Column("currency", text(), server_default="USD", nullable=False),
        sa.Column("source", text(), nullable=False),
        sa.Column("import_run", sa.Integer(), nullable=True),
    ]
