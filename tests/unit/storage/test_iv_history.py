"""IvHistoryStore: upsert by date, inclusive range reads, validation."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from workstation.ports.marketdata import IV_HISTORY_DTYPE
from workstation.storage.database import Database
from workstation.storage.iv_history import IvHistoryStore


def make_iv(days: list[str], ivs: list[float]) -> np.ndarray:
    rows = np.zeros(len(days), dtype=IV_HISTORY_DTYPE)
    rows["date"] = np.array(days, dtype="M8[D]")
    rows["iv"] = ivs
    return rows


def test_write_and_read_inclusive_range(db: Database) -> None:
    store = IvHistoryStore(db)
    rows = make_iv(["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"], [0.2, 0.21, 0.19, 0.3])
    assert store.write("SPY", rows, "demo") == 4
    got = store.read("SPY", date(2026, 11, 18), date(2026, 11, 20))
    assert got.underlying == "SPY"
    assert got.rows.dtype == IV_HISTORY_DTYPE
    np.testing.assert_array_equal(got.rows, rows[1:])
    assert len(store.read("QQQ", date(2026, 1, 1), date(2026, 12, 31)).rows) == 0


def test_rewrite_replaces_values_of_existing_dates(db: Database) -> None:
    store = IvHistoryStore(db)
    store.write("SPY", make_iv(["2026-11-17", "2026-11-18"], [0.2, 0.2]), "a")
    store.write("SPY", make_iv(["2026-11-18", "2026-11-19"], [0.5, 0.6]), "b")
    got = store.read("SPY", date(2026, 11, 1), date(2026, 11, 30)).rows
    assert got["iv"].tolist() == [0.2, 0.5, 0.6]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (make_iv(["2026-11-17", "2026-11-17"], [0.2, 0.3]), "2026-11-17 appears more than once"),
        (make_iv(["2026-11-17", "2026-11-18"], [0.2, np.nan]), "row 1 IV"),
        (make_iv(["2026-11-17"], [-0.1]), "row 0 IV"),
        (make_iv(["NaT"], [0.2]), "row 0 has no date"),
        (np.zeros(2), "IV_HISTORY_DTYPE"),
    ],
)
def test_bad_rows_are_refused_and_nothing_written(
    db: Database, rows: np.ndarray, message: str
) -> None:
    store = IvHistoryStore(db)
    with pytest.raises(ValueError, match=message) as info:
        store.write("SPY", rows, "demo")
    assert "SPY" in str(info.value)
    assert len(store.read("SPY", date(2000, 1, 1), date(2100, 1, 1)).rows) == 0
