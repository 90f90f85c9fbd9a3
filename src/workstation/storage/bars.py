"""OHLCV bars in the ``bars`` table, read and written as numpy BAR_DTYPE arrays.

The write path is the bulk path: one transaction, DBAPI ``executemany`` fed
column lists zipped into row tuples, in chunks to bound memory. Bar open
times are epoch seconds UTC; prices dollars per share (points for indices).
"""

from __future__ import annotations

import contextlib
from itertools import repeat

import numpy as np

from workstation.domain.bars import BAR_DTYPE, BarArray, Timeframe, validate_bars
from workstation.storage.database import Database, driver_of

CHUNK_ROWS = 100_000
_COLUMNS = BAR_DTYPE.names or ()
_UPSERT = (
    "INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open = excluded.open, "
    "high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume"
)
_SELECT = (
    "SELECT ts, open, high, low, close, volume FROM bars "
    "WHERE symbol = ? AND timeframe = ? AND ts >= ? AND ts < ? ORDER BY ts"
)
# Skip-scan over the primary key: one index seek per distinct symbol, not a table scan.
_DISTINCT_SYMBOLS = (
    "WITH RECURSIVE s(symbol) AS (SELECT min(symbol) FROM bars UNION ALL "
    "SELECT (SELECT min(symbol) FROM bars WHERE symbol > s.symbol) FROM s "
    "WHERE s.symbol IS NOT NULL) SELECT symbol FROM s WHERE symbol IS NOT NULL"
)
_TS_MIN = -(2**63)
_TS_MAX = 2**63 - 1


class BarStore:
    """Bars of many symbols and timeframes; writes are upserts keyed by (symbol, timeframe, ts)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def write(self, symbol: str, timeframe: Timeframe | str, bars: BarArray) -> int:
        """Insert or replace ``bars`` (BAR_DTYPE) of one symbol and timeframe in one transaction.

        Validate first and raise ValueError naming symbol, timeframe and row,
        writing nothing, when the bars are inconsistent. Return the rows written.
        """
        tf = _timeframe(timeframe, symbol)
        _check_bars(_symbol(symbol), tf, bars)
        if len(bars) == 0:
            return 0
        with self._db.engine.begin() as connection:
            cursor = driver_of(connection).cursor()
            with contextlib.closing(cursor):
                for start in range(0, len(bars), CHUNK_ROWS):
                    chunk = bars[start : start + CHUNK_ROWS]
                    cursor.executemany(_UPSERT, _rows(symbol, tf, chunk))
        return len(bars)

    def read(
        self,
        symbol: str,
        timeframe: Timeframe | str,
        start_ts: int | None = None,
        end_ts: int | None = None,
    ) -> BarArray:
        """Return the bars whose open time is in [start_ts, end_ts) (epoch s), oldest first."""
        tf = _timeframe(timeframe, symbol)
        low = _TS_MIN if start_ts is None else int(start_ts)
        high = _TS_MAX if end_ts is None else int(end_ts)
        with self._db.driver_connection() as connection:
            cursor = connection.execute(_SELECT, (symbol, tf.value, low, high))
            return np.fromiter(cursor, dtype=BAR_DTYPE)

    def latest_ts(self, symbol: str, timeframe: Timeframe | str) -> int | None:
        """Return the open time (epoch s) of the newest stored bar, or None when there is none."""
        value = self._scalar(
            "SELECT max(ts) FROM bars WHERE symbol = ? AND timeframe = ?",
            symbol,
            _timeframe(timeframe, symbol).value,
        )
        return value

    def count(self, symbol: str, timeframe: Timeframe | str) -> int:
        """Return how many bars of ``symbol`` and ``timeframe`` are stored."""
        value = self._scalar(
            "SELECT count(*) FROM bars WHERE symbol = ? AND timeframe = ?",
            symbol,
            _timeframe(timeframe, symbol).value,
        )
        return value or 0

    def symbols(self) -> list[str]:
        """Return the symbols that have bars of any timeframe, sorted."""
        with self._db.driver_connection() as connection:
            return [str(row[0]) for row in connection.execute(_DISTINCT_SYMBOLS)]

    def _scalar(self, sql: str, *params: object) -> int | None:
        with self._db.driver_connection() as connection:
            rows = connection.execute(sql, params).fetchall()  # fetchall finishes the statement
        return None if not rows or rows[0][0] is None else int(rows[0][0])


def _symbol(symbol: str) -> str:
    """Refuse an empty symbol or one with surrounding white space."""
    if not isinstance(symbol, str) or not symbol or symbol != symbol.strip():
        raise ValueError(
            f"bars: symbol {symbol!r} must be a non-empty string without surrounding spaces"
        )
    return symbol


def _timeframe(timeframe: Timeframe | str, symbol: str) -> Timeframe:
    """Return ``timeframe`` as a Timeframe or raise ValueError naming the symbol."""
    try:
        return Timeframe(timeframe)
    except ValueError:
        known = ", ".join(tf.value for tf in Timeframe)
        raise ValueError(f"bars {symbol}: timeframe {timeframe!r} is not one of {known}") from None


def _check_bars(symbol: str, timeframe: Timeframe, bars: BarArray) -> None:
    """Validate ``bars`` (NaN would be stored as NULL, so every field must be finite)."""
    where = f"bars {symbol} {timeframe.value}"
    if not isinstance(bars, np.ndarray) or bars.ndim != 1:
        raise ValueError(f"{where}: expected a 1-d numpy array of BAR_DTYPE")
    validate_bars(bars, where)


def _rows(symbol: str, timeframe: Timeframe, chunk: BarArray) -> zip[tuple[object, ...]]:
    """Return row tuples (symbol, timeframe, ts, o, h, l, c, v) for executemany.

    Zipping per-column ``tolist()`` results was the cheapest conversion measured
    (cheaper than ``chunk.tolist()`` plus tuple concatenation or object arrays).
    """
    columns = [chunk[name].tolist() for name in _COLUMNS]
    return zip(repeat(symbol), repeat(timeframe.value), *columns, strict=False)
