"""Saved P&L views (``ledger_snapshots``): a cold open reads one instead of waiting.

A snapshot is stored with ``SavedInputs``, the version of everything the
view was computed from:

- ``request``: whatever the caller puts in its request text (accounts,
  convention, delta buckets, the code that computed it). A snapshot of
  another request is never handed back;
- ``ledger``: the transactions (row count and largest id, which every
  insert moves) plus the ``ledger_edits`` counters that triggers bump on any
  update or delete of a transaction and on any change to strategy overrides
  or broker balance snapshots (migration 0008), so no writer can forget to;
- ``bars``: the daily bars the view read (entry deltas price options off
  the underlying's close on the entry day): count, last bar and a sum of
  closes per symbol listed in ``symbols``;
- ``day``: the New York date it was computed for.

``saved`` hands the snapshot of a request back with the names of the parts
among ``ledger``, ``bars`` and ``day`` that changed since: none means it
is current as it was saved; otherwise the caller may show it, labelled as
out of date, while it computes the current one.

Marks are not part of the version: the caller keeps the marks it valued
open lots at in the snapshot and compares them with fresh ones.

The payload is a pickle read back through an unpickler that only builds
the domain's value types (no other globals), so a tampered workspace file
cannot run code through it.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from workstation.domain.lots import Lot
from workstation.domain.pnl import LedgerView
from workstation.storage.database import Database, driver_of

log = logging.getLogger(__name__)

SNAPSHOT_FORMAT = 2  # 1: inputs as one text, never reused
_ALLOWED_MODULES = frozenset(
    {
        "workstation.domain.pnl",
        "workstation.domain.lots",
        "workstation.domain.instruments",
        "workstation.domain.occ",
        "workstation.domain.transactions",
    }
)
_ALLOWED_GLOBALS = frozenset(
    {
        ("decimal", "Decimal"),
        ("datetime", "datetime"),
        ("datetime", "date"),
        ("datetime", "timezone"),
        ("datetime", "timedelta"),
        ("zoneinfo", "ZoneInfo"),
        ("zoneinfo._zoneinfo", "ZoneInfo"),
        ("copyreg", "_reconstructor"),
        ("builtins", "object"),
        ("builtins", "frozenset"),
        ("builtins", "set"),
    }
)


@dataclass(frozen=True, slots=True)
class SavedLedger:
    """A full P&L view as it was computed, with the open lots and the marks it used.

    ``view`` is stored without its ``transactions`` (the caller reads those
    from the store when needed); ``marks`` are per share / unit, by symbol.
    """

    view: LedgerView
    lots: tuple[Lot, ...]
    marks: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class SavedInputs:
    """The version of every input of a saved view (see the module docstring)."""

    request: str
    ledger: str
    bars: str
    day: str

    def to_text(self) -> str:
        """Return the stored form (JSON with the snapshot format)."""
        return json.dumps({"format": SNAPSHOT_FORMAT, **asdict(self)}, sort_keys=True)

    @classmethod
    def from_text(cls, text: str) -> SavedInputs | None:
        """Return the inputs stored as ``text``, None when written in another format."""
        try:
            fields = json.loads(text)
        except ValueError:
            return None
        if not isinstance(fields, dict) or fields.pop("format", None) != SNAPSHOT_FORMAT:
            return None
        try:
            return cls(**fields)
        except TypeError:
            return None

    def changed_since(self, saved: SavedInputs) -> tuple[str, ...]:
        """Return which of ``ledger``, ``bars``, ``day`` differ from ``saved``'s, in that order."""
        return tuple(
            name
            for name in ("ledger", "bars", "day")
            if getattr(self, name) != getattr(saved, name)
        )


@dataclass(frozen=True, slots=True)
class Saved:
    """A saved view of the request asked for, and what changed since it was saved.

    ``changed`` names the parts among ``ledger``, ``bars`` and ``day`` whose
    version moved; empty when the saved view is current (marks aside).
    """

    ledger: SavedLedger
    changed: tuple[str, ...]


class LedgerSnapshotStore:
    """One saved P&L view per scope (an account number, or ``*`` for every account)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def ledger_version(self) -> str:
        """Return the version of the transactions, overrides and balance snapshots now."""
        sql = (
            "SELECT (SELECT count(*) FROM transactions), "
            "(SELECT coalesce(max(id), 0) FROM transactions), "
            "(SELECT group_concat(source || '=' || edits, ',') "
            " FROM (SELECT source, edits FROM ledger_edits ORDER BY source))"
        )
        with self._db.engine.connect() as connection:
            count, top, edits = connection.exec_driver_sql(sql).one()
        return f"{count}.{top}.{edits or ''}"

    def bars_version(self, symbols: Sequence[str]) -> str:
        """Return the version of the stored daily bars of ``symbols``."""
        if not symbols:
            return ""
        sql = (
            "SELECT count(*), coalesce(max(ts), 0), total(close) FROM bars "
            "WHERE symbol = ? AND timeframe = '1d'"
        )
        parts = []
        with self._db.engine.connect() as connection:
            cursor = driver_of(connection).cursor()
            with contextlib.closing(cursor):
                for symbol in sorted(symbols):
                    count, last, closes = cursor.execute(sql, (symbol,)).fetchone()
                    parts.append(f"{symbol}:{count}:{last}:{closes!r}")
        return ";".join(parts)

    def saved(self, scope: str, request: str, day: str) -> Saved | None:
        """Return the saved view of ``scope`` for ``request`` and what changed since, if any.

        ``day`` is the date a view computed now would be for. None when
        nothing is saved for this scope and request, or it cannot be read.
        """
        sql = "SELECT inputs, symbols FROM ledger_snapshots WHERE scope = ?"
        with self._db.engine.connect() as connection:
            row = connection.exec_driver_sql(sql, (scope,)).one_or_none()
        stored = SavedInputs.from_text(row[0]) if row is not None else None
        if row is None or stored is None or stored.request != request:
            return None
        symbols = json.loads(row[1])
        now = SavedInputs(request, self.ledger_version(), self.bars_version(symbols), day)
        ledger = self._payload(scope, row[0])
        return None if ledger is None else Saved(ledger, now.changed_since(stored))

    def save(
        self,
        scope: str,
        inputs: SavedInputs,
        symbols: Sequence[str],
        saved: SavedLedger,
        at: datetime,
    ) -> None:
        """Replace the saved view of ``scope``, computed from ``inputs`` (bars of ``symbols``)."""
        payload = pickle.dumps(
            replace(saved, view=replace(saved.view, transactions={}), marks=dict(saved.marks)),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        sql = (
            "INSERT INTO ledger_snapshots (scope, inputs, symbols, created_at, payload) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET inputs = excluded.inputs, "
            "symbols = excluded.symbols, created_at = excluded.created_at, "
            "payload = excluded.payload"
        )
        values = (scope, inputs.to_text(), json.dumps(sorted(symbols)), at.timestamp(), payload)
        with self._db.engine.begin() as connection:
            connection.exec_driver_sql(sql, values)

    def clear(self) -> None:
        """Forget every saved view."""
        with self._db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM ledger_snapshots")

    def _payload(self, scope: str, inputs: str) -> SavedLedger | None:
        sql = "SELECT payload FROM ledger_snapshots WHERE scope = ? AND inputs = ?"
        with self._db.engine.connect() as connection:
            blob = connection.exec_driver_sql(sql, (scope, inputs)).scalar_one_or_none()
        if blob is None:
            return None
        try:
            saved = _DomainUnpickler(io.BytesIO(blob)).load()
        except Exception as exc:  # a snapshot written by other code: recompute instead
            log.warning("saved P&L view of %s unreadable, recomputing: %s", scope, exc)
            return None
        return saved if isinstance(saved, SavedLedger) else None


class _DomainUnpickler(pickle.Unpickler):
    """Builds only the domain's value types, Decimal and datetime (no other globals)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        if module in _ALLOWED_MODULES:
            found = super().find_class(module, name)
            if isinstance(found, type):  # the value types, never a function to call
                return found
        if module == __name__ and name == "SavedLedger":
            return SavedLedger
        raise pickle.UnpicklingError(f"saved P&L view refers to {module}.{name}")
