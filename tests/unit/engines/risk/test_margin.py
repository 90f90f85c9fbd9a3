"""Maintenance estimates worked by hand from the FINRA/CBOE minimums."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.risk import OpenLeg
from workstation.engines.risk.margin import maintenance_estimate

D = Decimal
EXP = date(2026, 12, 18)
OPT = InstrumentKind.EQUITY_OPTION


def option(right: OptionRight, strike: str, qty: int) -> OpenLeg:
    return OpenLeg(f"X{strike}{right}", OPT, D(qty), D(100), D(0), D(0), right, D(strike), EXP)


def stock(qty: int) -> OpenLeg:
    return OpenLeg("XYZ", InstrumentKind.EQUITY, D(qty), D(1), D(0), D(0))


def test_naked_put_uses_twenty_percent_less_out_of_the_money_plus_premium() -> None:
    # spot 100, short 95 put at 1.50: 20 - 5 + 1.5 = 16.5/share (floor 9.5) -> 1,650
    legs = [option(OptionRight.PUT, "95", -1)]
    assert maintenance_estimate(legs, D(100), [D("1.50")], None) == D("1650.00")


def test_far_out_of_the_money_call_hits_the_ten_percent_floor() -> None:
    # spot 100, short 130 call at 0.10: 20 - 30 < 10 % of 100 = 10 -> 10.10/share x 2 contracts
    legs = [option(OptionRight.CALL, "130", -2)]
    assert maintenance_estimate(legs, D(100), [D("0.10")], None) == D("2020.00")


def test_broad_index_uses_fifteen_percent() -> None:
    legs = [option(OptionRight.PUT, "6800", -1)]
    found = maintenance_estimate(legs, D(6850), [D("20")], None, broad_index=True)
    assert found == (D("0.15") * 6850 - 50 + 20) * 100


def test_defined_risk_is_capped_at_max_loss() -> None:
    legs = [option(OptionRight.PUT, "95", -1), option(OptionRight.PUT, "90", 1)]
    assert maintenance_estimate(legs, D(100), [D("1.50"), D("0.60")], D("410")) == D("410.00")


def test_covered_call_needs_only_the_stock_requirement() -> None:
    legs = [stock(100), option(OptionRight.CALL, "110", -1)]
    assert maintenance_estimate(legs, D(100), [D(100), D("0.80")], D("9920")) == D("2500.00")


def test_partly_covered_calls_margin_the_rest_as_naked() -> None:
    legs = [stock(100), option(OptionRight.CALL, "110", -2)]
    naked = (max(D(20) - 10, D(10)) + D("0.80")) * 100
    assert maintenance_estimate(legs, D(100), [D(100), D("0.80")], None) == D(2500) + naked


def test_long_options_and_short_stock() -> None:
    assert maintenance_estimate([option(OptionRight.CALL, "100", 3)], D(100), [D(4)], None) == 0
    assert maintenance_estimate([stock(-50)], D(80), [D(80)], None) == D("1200.00")
