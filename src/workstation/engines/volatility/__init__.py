"""Implied-volatility analytics: ATM IV per expiry, horizon IV, expected move."""

from workstation.engines.volatility.expected_move import (
    AtmTerm,
    atm_term_structure,
    expected_move,
    iv_at_horizon,
    straddle_expected_move,
)

__all__ = [
    "AtmTerm",
    "atm_term_structure",
    "expected_move",
    "iv_at_horizon",
    "straddle_expected_move",
]
