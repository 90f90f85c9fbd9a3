"""ChainStore: bulk save, latest, prune with cascading rows, validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from workstation.domain.chains import CHAIN_DTYPE, ChainSnapshot
from workstation.storage.chains import ChainStore
from workstation.storage.database import Database

T0 = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)


def make_chain(as_of: datetime = T0, strikes: int = 5, underlying: str = "SPY") -> ChainSnapshot:
    expiries = np.array(["2026-12-18", "2027-01-15"], dtype="M8[D]")
    rows = np.zeros(2 * strikes * 2, dtype=CHAIN_DTYPE)
    i = 0
    for expiry in expiries:
        for k in range(strikes):
            for is_call in (True, False):
                rows[i] = (
                    expiry,
                    480.0 + 5 * k,
                    is_call,
                    1.0 + k,
                    1.2 + k,
                    np.nan,
                    0.2 + 0.01 * k,
                    0.5 if is_call else -0.5,
                    100 * k,
                    10 * k,
                )
                i += 1
    rows["bid"][0] = np.nan
    return ChainSnapshot(underlying, as_of, 500.25, rows, "american", "demo")


def _count_rows(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT count(*) FROM chain_rows").scalar_one())


def _sorted(rows: np.ndarray) -> np.ndarray:
    return rows[np.lexsort((~rows["is_call"], rows["strike"], rows["expiry"]))]


def test_save_and_latest_round_trip(db: Database) -> None:
    store = ChainStore(db)
    chain = make_chain()
    store.save(chain)
    got = store.latest("SPY")
    assert got is not None
    assert (got.underlying, got.as_of, got.spot, got.settlement, got.source) == (
        "SPY",
        T0,
        500.25,
        "american",
        "demo",
    )
    assert got.rows.dtype == CHAIN_DTYPE
    expected = _sorted(chain.rows)
    for name in CHAIN_DTYPE.names or ():
        np.testing.assert_array_equal(got.rows[name], expected[name], err_msg=name)
    assert np.isnan(got.rows["bid"][0])
    assert np.isnan(got.rows["last"]).all()
    assert store.latest("QQQ") is None


def test_latest_picks_newest_and_prune_cascades(db: Database) -> None:
    store = ChainStore(db)
    for minutes in (0, 10, 5):
        store.save(make_chain(T0 + timedelta(minutes=minutes)))
    store.save(make_chain(T0, underlying="QQQ"))
    latest = store.latest("SPY")
    assert latest is not None
    assert latest.as_of == T0 + timedelta(minutes=10)
    assert store.prune("SPY", keep_last=1) == 2
    assert _count_rows(db) == 2 * len(make_chain().rows)
    assert store.latest("SPY") is not None
    assert store.latest("QQQ") is not None
    assert store.prune("SPY", keep_last=0) == 1
    assert store.latest("SPY") is None


def test_empty_chain_is_allowed(db: Database) -> None:
    chain = ChainSnapshot("SPX", T0, 5000.0, np.zeros(0, CHAIN_DTYPE), "european")
    ChainStore(db).save(chain)
    got = ChainStore(db).latest("SPX")
    assert got is not None
    assert len(got.rows) == 0
    assert got.settlement == "european"


def test_bad_chains_are_refused_and_nothing_written(db: Database) -> None:
    store = ChainStore(db)
    duplicate = make_chain()
    duplicate.rows[1] = duplicate.rows[0]
    with pytest.raises(ValueError, match="2026-12-18 480 C appears more than once"):
        store.save(duplicate)
    bad_strike = make_chain()
    bad_strike.rows["strike"][3] = -1
    with pytest.raises(ValueError, match="row 3"):
        store.save(bad_strike)
    with pytest.raises(ValueError, match="settlement"):
        store.save(ChainSnapshot("SPY", T0, 1.0, make_chain().rows, "bermudan"))
    with pytest.raises(ValueError, match="no time zone"):
        store.save(ChainSnapshot("SPY", datetime(2026, 1, 1), 1.0, make_chain().rows))  # noqa: DTZ001
    assert store.latest("SPY") is None
    assert _count_rows(db) == 0


def test_failed_row_insert_rolls_back_the_snapshot(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workstation.storage import chains

    monkeypatch.setattr(chains, "_INSERT_ROWS", "INSERT INTO no_such_table VALUES (?)")
    with pytest.raises(Exception, match="no_such_table"):
        ChainStore(db).save(make_chain())
    monkeypatch.undo()
    assert ChainStore(db).latest("SPY") is None


def test_prune_refuses_negative_keep(db: Database) -> None:
    with pytest.raises(ValueError, match="keep_last"):
        ChainStore(db).prune("SPY", -1)
