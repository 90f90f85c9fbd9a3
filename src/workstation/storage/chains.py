"""Option-chain snapshots: one ``chain_snapshots`` row plus bulk-written ``chain_rows``.

Rows follow CHAIN_DTYPE: expiry as ISO date text, prices dollars per share,
``iv`` decimal (0.2 = 20 %); NaN is stored as NULL and read back as NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, insert, select

from workstation.domain.chains import CHAIN_DTYPE, ChainArray, ChainSnapshot
from workstation.storage.database import Database, driver_of
from workstation.storage.epoch import to_epoch
from workstation.storage.tables import chain_snapshots

SETTLEMENTS = ("american", "european")
_INSERT_ROWS = (
    "INSERT INTO chain_rows (snapshot_id, expiry, strike, is_call, bid, ask, last, iv, delta, "
    "open_interest, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Expiry comes back as days since 1970-01-01 so numpy can take it as datetime64[D].
_SELECT_ROWS = (
    "SELECT CAST(julianday(expiry) - 2440587.5 AS INTEGER), strike, is_call, bid, ask, last, "
    "iv, delta, open_interest, volume FROM chain_rows WHERE snapshot_id = ? "
    "ORDER BY expiry, strike, is_call DESC"
)
# CHAIN_DTYPE with the expiry read as days since the epoch (converted after the fetch).
_READ_DTYPE = np.dtype([("expiry", "i8"), *CHAIN_DTYPE.descr[1:]])


class ChainStore:
    """Saved option chains per underlying, newest kept, older ones pruned on request."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, snapshot: ChainSnapshot) -> int:
        """Store ``snapshot`` and its rows in one transaction; return the snapshot id.

        Raise ValueError naming the underlying (and the row) for bad input.
        """
        _check(snapshot)
        with self._db.engine.begin() as connection:
            snapshot_id = _insert_snapshot(connection, snapshot)
            driver_of(connection).executemany(_INSERT_ROWS, _row_tuples(snapshot_id, snapshot.rows))
        return snapshot_id

    def latest(self, underlying: str) -> ChainSnapshot | None:
        """Return the newest saved snapshot of ``underlying`` or None."""
        query = (
            select(chain_snapshots)
            .where(chain_snapshots.c.underlying == underlying)
            .order_by(chain_snapshots.c.as_of.desc(), chain_snapshots.c.id.desc())
            .limit(1)
        )
        with self._db.engine.connect() as connection:
            head = connection.execute(query).first()
            if head is None:
                return None
            rows = _read_rows(connection, head.id)
        return ChainSnapshot(
            head.underlying, head.as_of, head.spot, rows, head.settlement, head.source
        )

    def prune(self, underlying: str, keep_last: int) -> int:
        """Delete all but the newest ``keep_last`` snapshots of ``underlying``; return how many
        were deleted (their rows go with them)."""
        if keep_last < 0:
            raise ValueError(f"chains {underlying}: keep_last must be >= 0, got {keep_last}")
        keep = (
            select(chain_snapshots.c.id)
            .where(chain_snapshots.c.underlying == underlying)
            .order_by(chain_snapshots.c.as_of.desc(), chain_snapshots.c.id.desc())
            .limit(keep_last)
        )
        statement = delete(chain_snapshots).where(
            chain_snapshots.c.underlying == underlying, chain_snapshots.c.id.not_in(keep)
        )
        with self._db.engine.begin() as connection:
            return connection.execute(statement).rowcount


def _check(snapshot: ChainSnapshot) -> None:
    """Refuse snapshots the table could not hold faithfully."""
    where = f"chain {snapshot.underlying!r}"
    if not snapshot.underlying:
        raise ValueError("chain: the underlying symbol is empty")
    to_epoch(snapshot.as_of, f"{where}: as_of")
    if snapshot.settlement not in SETTLEMENTS:
        raise ValueError(
            f"{where}: settlement {snapshot.settlement!r} is not one of {', '.join(SETTLEMENTS)}"
        )
    if not np.isfinite(snapshot.spot):
        raise ValueError(f"{where}: spot {snapshot.spot} is not a finite price")
    _check_rows(where, snapshot.rows)


def _check_rows(where: str, rows: ChainArray) -> None:
    if not isinstance(rows, np.ndarray) or rows.dtype != CHAIN_DTYPE or rows.ndim != 1:
        raise ValueError(f"{where}: rows must be a 1-d array of CHAIN_DTYPE")
    bad = np.flatnonzero(
        np.isnat(rows["expiry"]) | ~(np.isfinite(rows["strike"]) & (rows["strike"] > 0))
    )
    if bad.size:
        raise ValueError(f"{where}: row {int(bad[0])} has no expiry or a non-positive strike")
    keys = np.stack(
        [rows["expiry"].astype("i8").astype("f8"), rows["strike"], rows["is_call"].astype("f8")],
        axis=1,
    )
    unique, counts = np.unique(keys, axis=0, return_counts=True)
    if (counts > 1).any():
        day, strike, call = unique[np.argmax(counts > 1)]
        expiry = np.datetime64(int(day), "D")
        raise ValueError(
            f"{where}: contract {expiry} {strike:g} {'C' if call else 'P'} appears more than once"
        )


def _insert_snapshot(connection: Connection, snapshot: ChainSnapshot) -> int:
    values = {
        "underlying": snapshot.underlying,
        "as_of": snapshot.as_of,
        "spot": float(snapshot.spot),
        "settlement": snapshot.settlement,
        "source": snapshot.source,
    }
    result = connection.execute(insert(chain_snapshots).values(values))
    return result.lastrowid


def _row_tuples(snapshot_id: int, rows: ChainArray) -> zip[tuple[Any, ...]]:
    """Return executemany tuples; NaN floats bind as NULL, expiry as ISO text."""
    expiries = np.datetime_as_string(rows["expiry"], unit="D").tolist()
    names = ("strike", "is_call", "bid", "ask", "last", "iv", "delta", "open_interest", "volume")
    columns = [rows[name].tolist() for name in names]
    return zip([snapshot_id] * len(rows), expiries, *columns, strict=True)


def _read_rows(connection: Connection, snapshot_id: int) -> ChainArray:
    """Read the rows of one snapshot; NULL prices come back as NaN."""
    cursor = driver_of(connection).execute(_SELECT_ROWS, (snapshot_id,))
    raw = np.array(cursor.fetchall(), dtype=_READ_DTYPE)
    out = np.empty(len(raw), dtype=CHAIN_DTYPE)
    for name in (CHAIN_DTYPE.names or ())[1:]:
        out[name] = raw[name]
    out["expiry"] = raw["expiry"].astype("M8[D]")
    return out
