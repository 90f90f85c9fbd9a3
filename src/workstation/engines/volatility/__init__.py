"""Implied-volatility analytics.

``smile`` (OTM smile, ATM IV at the forward, 25-delta skew per expiry),
``term`` (ATM term structure, constant-maturity IV, contango/backwardation),
``rank`` (IV rank and percentile, vol regime), ``expected_move``,
``straddle`` and ``move_range`` (expected moves, bands, strikes against
the range). Implied vols are decimals (0.20 = 20 %) unless a name says
otherwise; rank and percentile are 0-100.
"""

from workstation.engines.volatility.expected_move import (
    AtmTerm,
    HorizonMoves,
    atm_term_structure,
    expected_move,
    horizon_moves,
    iv_at_horizon,
    straddle_expected_move,
)
from workstation.engines.volatility.move_range import (
    MoveBands,
    MovePosition,
    StrikeVsMove,
    move_bands,
    strike_vs_move,
)
from workstation.engines.volatility.rank import (
    IvStats,
    IvStatsStatus,
    RegimeBasis,
    RegimeReading,
    RegimeRule,
    VolRegime,
    iv_percentile,
    iv_rank,
    iv_stats,
    vol_regime,
)
from workstation.engines.volatility.skew import DeltaSkew, delta_skew, iv_at_delta
from workstation.engines.volatility.smile import ChainColumns, Smile, otm_curve, smiles
from workstation.engines.volatility.straddle import (
    StraddleMoves,
    Straddles,
    atm_straddles,
    straddle_moves,
)
from workstation.engines.volatility.term import (
    TermPoint,
    TermReading,
    TermShape,
    TermStructure,
    classify_term,
    constant_maturity_iv,
    term_structure,
)

__all__ = [
    "AtmTerm",
    "ChainColumns",
    "DeltaSkew",
    "HorizonMoves",
    "IvStats",
    "IvStatsStatus",
    "MoveBands",
    "MovePosition",
    "RegimeBasis",
    "RegimeReading",
    "RegimeRule",
    "Smile",
    "StraddleMoves",
    "Straddles",
    "StrikeVsMove",
    "TermPoint",
    "TermReading",
    "TermShape",
    "TermStructure",
    "VolRegime",
    "atm_straddles",
    "atm_term_structure",
    "classify_term",
    "constant_maturity_iv",
    "delta_skew",
    "expected_move",
    "horizon_moves",
    "iv_at_delta",
    "iv_at_horizon",
    "iv_percentile",
    "iv_rank",
    "iv_stats",
    "move_bands",
    "otm_curve",
    "smiles",
    "straddle_expected_move",
    "straddle_moves",
    "strike_vs_move",
    "term_structure",
    "vol_regime",
]
