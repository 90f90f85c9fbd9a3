from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.instruments import Instrument, InstrumentKind
from workstation.domain.occ import InvalidOccSymbol, OccSymbol, OptionRight, parse_occ


def test_parses_padded_standard_symbol():
    occ = parse_occ("SPY   261218C00500000")
    assert occ == OccSymbol("SPY", date(2026, 12, 18), OptionRight.CALL, Decimal("500"))
    assert occ.is_call


def test_parses_compact_symbol_with_fractional_strike():
    occ = parse_occ("aapl270115p00142500")
    assert occ.root == "AAPL"
    assert occ.right is OptionRight.PUT
    assert occ.strike == Decimal("142.5")
    assert str(occ) == "AAPL  270115P00142500"
    assert occ.compact == "AAPL270115P00142500"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("SPY", "not an OCC option symbol"),
        ("SPY   261318C00500000", "not a calendar date"),
        ("SPY   261218X00500000", "not an OCC option symbol"),
        ("SPY   261218C00000000", "strike is zero"),
        ("TOOLONGROOT261218C00500000", "not an OCC option symbol"),
    ],
)
def test_rejects_malformed_symbols_saying_why(text, why):
    with pytest.raises(InvalidOccSymbol, match=why):
        parse_occ(text)


def test_rejects_strike_with_more_than_three_decimals():
    with pytest.raises(InvalidOccSymbol, match="3 decimals"):
        OccSymbol("SPY", date(2026, 1, 16), OptionRight.CALL, Decimal("1.2345"))


@given(
    root=st.from_regex(r"[A-Z]{1,6}", fullmatch=True),
    expiry=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    right=st.sampled_from(list(OptionRight)),
    millis=st.integers(1, 99_999_999),
)
def test_round_trips_through_text(root, expiry, right, millis):
    occ = OccSymbol(root, expiry, right, Decimal(millis) / 1000)
    assert parse_occ(str(occ)) == occ
    assert parse_occ(occ.compact) == occ
    assert len(str(occ)) == 21


def test_index_option_instrument_is_european_with_weekly_root_mapped():
    spxw = Instrument.option("SPXW  261218P05000000")
    assert spxw.kind is InstrumentKind.INDEX_OPTION
    assert spxw.is_european
    assert spxw.underlying == "SPX"
    assert spxw.multiplier == 100
    spy = Instrument.option("SPY   261218P00500000")
    assert spy.kind is InstrumentKind.EQUITY_OPTION
    assert not spy.is_european


@pytest.mark.parametrize(
    ("root", "underlying"),
    [("SPXW", "SPX"), ("NDXP", "NDX"), ("RUTW", "RUT"), ("SPX", "SPX"), ("AAPL", "AAPL")],
)
def test_weekly_index_roots_map_to_their_index(root: str, underlying: str) -> None:
    from workstation.domain.instruments import underlying_of_root

    assert underlying_of_root(root) == underlying
