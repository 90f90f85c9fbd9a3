"""dxFeed option streamer symbols (``.SPY260618C500``) to and from OCC symbols."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.adapters.tastytrade.streamer import occ_from_streamer_symbol, streamer_symbol
from workstation.domain.occ import InvalidOccSymbol, OccSymbol, OptionRight, parse_occ


@pytest.mark.parametrize(
    ("occ", "streamer"),
    [
        ("SPY   260618C00500000", ".SPY260618C500"),
        ("SPY   260618P00502500", ".SPY260618P502.5"),
        ("SPXW  261218C05125000", ".SPXW261218C5125"),
        ("F     260116C00012125", ".F260116C12.125"),
        ("ABC1  260320P00000500", ".ABC1260320P0.5"),
    ],
)
def test_known_symbols(occ: str, streamer: str) -> None:
    assert streamer_symbol(parse_occ(occ)) == streamer
    assert occ_from_streamer_symbol(streamer) == parse_occ(occ)


roots = st.from_regex(r"[A-Z0-9][A-Z0-9.]{0,5}", fullmatch=True)
strikes = st.integers(min_value=1, max_value=99_999_999).map(lambda m: Decimal(m) / 1000)
options = st.builds(
    OccSymbol,
    root=roots,
    expiry=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    right=st.sampled_from(OptionRight),
    strike=strikes,
)


@given(options)
def test_round_trip(occ: OccSymbol) -> None:
    text = streamer_symbol(occ)

    assert text.startswith(".")
    assert occ_from_streamer_symbol(text) == occ
    assert streamer_symbol(occ_from_streamer_symbol(text)) == text


@pytest.mark.parametrize(
    "text", ["SPY", ".SPY", ".SPY260618X500", ".SPY261318C500", ".SPY260618C", ".SPY260618C5.1234"]
)
def test_refuses_what_is_not_an_option(text: str) -> None:
    with pytest.raises(InvalidOccSymbol):
        occ_from_streamer_symbol(text)
