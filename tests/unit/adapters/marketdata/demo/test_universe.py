import pytest

from workstation.adapters.marketdata.demo.universe import INDICES, UNDERLYINGS, UNIVERSE, spec_of
from workstation.domain.instruments import InstrumentKind
from workstation.ports.marketdata import UnknownSymbol


def test_universe_holds_the_watchlist_and_the_indices():
    assert set(UNIVERSE) == set(UNDERLYINGS) | set(INDICES)
    assert UNDERLYINGS == ("SPY", "QQQ", "IWM", "AAPL", "MSFT", "NVDA", "TSLA", "AMZN")
    assert INDICES == ("SPX", "NDX", "DJI", "RUT", "VIX")


def test_kinds_and_settlement():
    assert spec_of("spy").kind is InstrumentKind.ETF
    assert spec_of("AAPL").kind is InstrumentKind.EQUITY
    assert spec_of("SPX").is_index
    assert spec_of("SPX").options.settlement == "european"
    assert spec_of("QQQ").options.settlement == "american"
    assert spec_of("DJI").options is None
    assert spec_of("VIX").options is None


def test_etfs_track_their_index_and_stocks_report_earnings():
    assert {spec_of(s).tracks for s in ("SPY", "QQQ", "IWM")} == {"SPX", "NDX", "RUT"}
    for symbol in ("AAPL", "MSFT", "NVDA", "TSLA", "AMZN"):
        assert len(spec_of(symbol).earnings.dates) == 4


def test_daily_expirations_where_listed():
    dailies = {s for s, spec in UNIVERSE.items() if spec.options and spec.options.dailies}
    assert dailies == {"SPY", "QQQ", "IWM", "SPX", "NDX"}


def test_unknown_symbol_is_named():
    with pytest.raises(UnknownSymbol, match="'XYZ'"):
        spec_of("XYZ")
