"""Instruments in the ``instruments`` table, keyed by canonical symbol (OCC for options)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.dialects.sqlite import insert

from workstation.domain.instruments import Instrument, InstrumentKind
from workstation.domain.occ import OccSymbol, OptionRight
from workstation.ports.clock import Clock, SystemClock
from workstation.storage.database import Database
from workstation.storage.tables import instruments

_UPDATABLE = (
    "kind",
    "description",
    "multiplier",
    "underlying",
    "occ_root",
    "expiry",
    "option_right",
    "strike",
)


class InstrumentStore:
    """Instruments the workstation knows; upserts keep the first ``created_at``."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    def upsert(self, instrument: Instrument) -> None:
        """Insert ``instrument`` or update the stored one with the same symbol."""
        self.upsert_many([instrument])

    def upsert_many(self, items: Iterable[Instrument]) -> int:
        """Insert or update ``items`` in one transaction; return how many were written.

        Raise ValueError naming the symbol when an instrument is inconsistent
        (an option without its OCC symbol, a symbol that differs from the OCC form).
        """
        now = self._clock.now()
        rows = [_to_row(item, now) for item in items]
        if not rows:
            return 0
        statement = insert(instruments)
        statement = statement.on_conflict_do_update(
            index_elements=[instruments.c.symbol],
            set_={name: statement.excluded[name] for name in _UPDATABLE},
        )
        with self._db.engine.begin() as connection:
            connection.execute(statement, rows)
        return len(rows)

    def get(self, symbol: str) -> Instrument | None:
        """Return the instrument stored as ``symbol`` or None."""
        query = select(instruments).where(instruments.c.symbol == symbol)
        with self._db.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _from_row(row)

    def list(self, kind: InstrumentKind | None = None) -> builtins.list[Instrument]:
        """Return stored instruments (of one ``kind`` if given), sorted by symbol."""
        query = select(instruments).order_by(instruments.c.symbol)
        if kind is not None:
            query = query.where(instruments.c.kind == InstrumentKind(kind).value)
        with self._db.engine.connect() as connection:
            return [_from_row(row) for row in connection.execute(query)]


def _to_row(item: Instrument, now: datetime) -> dict[str, Any]:
    """Return the column values of ``item``, refusing inconsistent instruments."""
    _check(item)
    occ = item.occ
    return {
        "symbol": item.symbol,
        "kind": InstrumentKind(item.kind).value,
        "description": item.description,
        "multiplier": item.multiplier,
        "underlying": item.underlying,
        "occ_root": occ.root if occ else None,
        "expiry": occ.expiry if occ else None,
        "option_right": occ.right.value if occ else None,
        "strike": occ.strike if occ else None,
        "created_at": now,
    }


def _check(item: Instrument) -> None:
    where = f"instrument {item.symbol!r}"
    if not item.symbol or item.symbol != item.symbol.strip():
        raise ValueError(f"{where}: the symbol is empty or has surrounding spaces")
    if InstrumentKind(item.kind).is_option != (item.occ is not None):
        raise ValueError(
            f"{where}: kind {item.kind} needs an OCC symbol exactly when it is an option"
        )
    if item.occ is not None and item.symbol != str(item.occ):
        raise ValueError(
            f"{where}: an option's symbol must be its 21-character OCC form {str(item.occ)!r}"
        )
    if not item.multiplier.is_finite() or item.multiplier <= 0:
        raise ValueError(f"{where}: multiplier {item.multiplier} must be positive")


def _from_row(row: Row[Any]) -> Instrument:
    """Rebuild the domain Instrument (with its OccSymbol for options) from a row."""
    occ = None
    if row.occ_root is not None:
        occ = OccSymbol(row.occ_root, row.expiry, OptionRight(row.option_right), row.strike)
    return Instrument(
        row.symbol, InstrumentKind(row.kind), row.description, row.multiplier, row.underlying, occ
    )
