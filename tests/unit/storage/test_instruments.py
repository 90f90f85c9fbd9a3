"""InstrumentStore: upserts, OCC round trips, validation, atomicity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.clock import FixedClock
from workstation.domain.instruments import Instrument, InstrumentKind
from workstation.domain.occ import OccSymbol, OptionRight
from workstation.storage.database import Database
from workstation.storage.instruments import InstrumentStore

SPY = Instrument("SPY", InstrumentKind.ETF, "SPDR S&P 500", Decimal(1))
SPX_CALL = Instrument.option("SPXW  261218C05000000", "SPXW Dec 26 5000 C")


def test_equity_and_option_round_trip(db: Database, clock: FixedClock) -> None:
    store = InstrumentStore(db, clock)
    store.upsert_many([SPY, SPX_CALL])
    assert store.get("SPY") == SPY
    option = store.get(str(SPX_CALL.occ))
    assert option == SPX_CALL
    assert option is not None
    assert option.occ is not None
    assert option.occ.expiry == date(2026, 12, 18)
    assert option.occ.strike == Decimal(5000)
    assert option.kind is InstrumentKind.INDEX_OPTION
    assert option.underlying == "SPX"
    assert store.get("QQQ") is None


def test_upsert_updates_and_lists_by_kind(db: Database, clock: FixedClock) -> None:
    store = InstrumentStore(db, clock)
    store.upsert(SPY)
    store.upsert(Instrument("SPY", InstrumentKind.ETF, "renamed", Decimal(1)))
    store.upsert(Instrument("AAPL", InstrumentKind.EQUITY))
    assert store.get("SPY") == Instrument("SPY", InstrumentKind.ETF, "renamed", Decimal(1))
    assert [i.symbol for i in store.list()] == ["AAPL", "SPY"]
    assert [i.symbol for i in store.list(InstrumentKind.EQUITY)] == ["AAPL"]
    assert store.list(InstrumentKind.FUTURE) == []


def test_multiplier_keeps_exact_decimal(db: Database) -> None:
    store = InstrumentStore(db)
    mini = Instrument("XSP", InstrumentKind.INDEX, "", Decimal("0.1"))
    store.upsert(mini)
    stored = store.get("XSP")
    assert stored is not None
    assert str(stored.multiplier) == "0.1"


@pytest.mark.parametrize(
    ("instrument", "message"),
    [
        (Instrument("X", InstrumentKind.EQUITY_OPTION), "needs an OCC symbol"),
        (Instrument("SPY", InstrumentKind.ETF, occ=SPX_CALL.occ), "needs an OCC symbol"),
        (
            Instrument(
                "SPXW261218C05000000",
                InstrumentKind.INDEX_OPTION,
                "",
                Decimal(100),
                "SPX",
                SPX_CALL.occ,
            ),
            "21-character OCC form",
        ),
        (Instrument("", InstrumentKind.EQUITY), "empty"),
        (Instrument("Z", InstrumentKind.EQUITY, "", Decimal(0)), "multiplier"),
    ],
)
def test_inconsistent_instruments_are_refused_and_nothing_written(
    db: Database, instrument: Instrument, message: str
) -> None:
    store = InstrumentStore(db)
    with pytest.raises(ValueError, match=message):
        store.upsert_many([SPY, instrument])
    assert store.list() == []


roots = st.from_regex(r"[A-Z][A-Z0-9]{0,5}", fullmatch=True)
strikes = st.integers(1, 99_999_999).map(lambda millis: Decimal(millis) / 1000)
expiries = st.dates(date(2000, 1, 1), date(2099, 12, 31))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(root=roots, expiry=expiries, right=st.sampled_from(OptionRight), strike=strikes)
def test_any_occ_option_round_trips(
    db: Database, root: str, expiry: date, right: OptionRight, strike: Decimal
) -> None:
    occ = OccSymbol(root, expiry, right, strike)
    instrument = Instrument.option(str(occ))
    store = InstrumentStore(db)
    store.upsert(instrument)
    assert store.get(str(occ)) == instrument
