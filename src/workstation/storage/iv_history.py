"""Daily 30-day ATM implied volatility per underlying (the ``iv_history`` table).

``iv`` is a decimal (0.2 = 20 %); ``date`` the session date, stored as ISO text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from workstation.ports.marketdata import IV_HISTORY_DTYPE, IvHistory
from workstation.storage.database import Database

_UPSERT = (
    "INSERT INTO iv_history (underlying, date, iv, source) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (underlying, date) DO UPDATE SET iv = excluded.iv, source = excluded.source"
)
_SELECT = (
    "SELECT CAST(julianday(date) - 2440587.5 AS INTEGER), iv FROM iv_history "
    "WHERE underlying = ? AND date >= ? AND date <= ? ORDER BY date"
)
_READ_DTYPE = np.dtype([("date", "i8"), ("iv", "f8")])

IvArray = npt.NDArray[Any]


class IvHistoryStore:
    """IV history per underlying; writes replace the value of a date already stored."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def write(self, underlying: str, rows: IvArray, source: str) -> int:
        """Insert or replace ``rows`` (IV_HISTORY_DTYPE) of ``underlying`` in one transaction.

        Raise ValueError naming the underlying and row for a missing date, a
        repeated date, or an IV that is not a finite non-negative decimal.
        """
        _check(underlying, rows)
        days = np.datetime_as_string(rows["date"], unit="D").tolist()
        params = [
            (underlying, day, iv, source) for day, iv in zip(days, rows["iv"].tolist(), strict=True)
        ]
        if params:
            with self._db.engine.begin() as connection:
                connection.exec_driver_sql(_UPSERT, params)
        return len(params)

    def read(self, underlying: str, start: date, end: date) -> IvHistory:
        """Return the stored IV of ``underlying`` for dates in [start, end], oldest first."""
        with self._db.driver_connection() as connection:
            cursor = connection.execute(_SELECT, (underlying, start.isoformat(), end.isoformat()))
            raw = np.fromiter(cursor, dtype=_READ_DTYPE)
        out = np.empty(len(raw), dtype=IV_HISTORY_DTYPE)
        out["date"] = raw["date"].astype("M8[D]")
        out["iv"] = raw["iv"]
        return IvHistory(underlying, out)


def _check(underlying: str, rows: IvArray) -> None:
    where = f"IV history {underlying!r}"
    if not underlying:
        raise ValueError("IV history: the underlying symbol is empty")
    if not isinstance(rows, np.ndarray) or rows.dtype != IV_HISTORY_DTYPE or rows.ndim != 1:
        raise ValueError(f"{where}: rows must be a 1-d array of IV_HISTORY_DTYPE")
    checks = [
        (np.isnat(rows["date"]), "has no date"),
        (~np.isfinite(rows["iv"]) | (rows["iv"] < 0), "IV is not a finite decimal >= 0"),
    ]
    for bad, message in checks:
        index = np.flatnonzero(bad)
        if index.size:
            raise ValueError(f"{where}: row {int(index[0])} {message}")
    unique, counts = np.unique(rows["date"], return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"{where}: date {unique[np.argmax(counts > 1)]} appears more than once")
