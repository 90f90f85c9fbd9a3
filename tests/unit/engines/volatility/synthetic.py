"""A synthetic chain whose smile, ATM IV and 25-delta skew are known exactly.

Each expiry's IV and delta are linear in log-moneyness x = ln(K/F):
    iv = atm - 0.4 x                 (OTM contracts)
    call delta = 0.5 - 2 x,  put delta = -0.5 - 2 x
Linear interpolation of a linear function is exact, so ATM IV at the forward
is ``atm`` and the 25-delta call (x = +0.125) and put (x = -0.125) have IVs
atm - 0.05 and atm + 0.05: RR25 = -0.10, put skew +0.05, butterfly 0.
In-the-money contracts carry a nonsense IV (0.99) so that picking the
wrong side shows up in every number.
"""

from __future__ import annotations

import numpy as np

from workstation.engines.volatility import ChainColumns

STRIKES = np.arange(80.0, 121.0, 5.0)  # 80, 85, ..., 120
ITM_IV = 0.99
# (expiry, calendar days, ATM IV, forward)
EXPIRIES = [
    ("2026-12-06", 15.0, 0.30, 100.5),
    ("2027-01-05", 45.0, 0.20, 101.5),
    ("2027-02-04", 75.0, 0.18, 102.5),
]


def expiry_columns(expiry: str, days: float, atm: float, forward: float) -> dict:
    k = np.repeat(STRIKES, 2)
    is_call = np.tile([True, False], STRIKES.size)
    x = np.log(k / forward)
    itm = np.where(is_call, k < forward, k > forward)
    return {
        "expiry": np.full(k.size, np.datetime64(expiry, "D")),
        "t": np.full(k.size, days / 365.0),
        "strike": k,
        "is_call": is_call,
        "iv": np.where(itm, ITM_IV, atm - 0.4 * x),
        "delta": np.where(is_call, 0.5 - 2.0 * x, -0.5 - 2.0 * x),
    }


def synthetic_chain(expiries=EXPIRIES, shuffle_seed: int | None = 7) -> ChainColumns:
    parts = [expiry_columns(*e) for e in expiries]
    merged = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    if shuffle_seed is not None:  # the engine must not rely on row order
        order = np.random.default_rng(shuffle_seed).permutation(merged["strike"].size)
        merged = {name: values[order] for name, values in merged.items()}
    return ChainColumns(**merged)


def per_contract_forward(chain: ChainColumns, expiries=EXPIRIES) -> np.ndarray:
    lookup = {np.datetime64(e, "D"): f for e, _, _, f in expiries}
    return np.array([lookup[e] for e in chain.expiry])
