"""Beta of an asset to a benchmark (SPY) from daily closes.

beta = cov(r_asset, r_benchmark) / var(r_benchmark) over daily log returns.
The two close series must be aligned by date by the caller (same length,
element i of both from the same session). A return pair is used only where
both closes on both days are positive and finite; the last ``lookback`` of
those pairs count. With fewer than ``MIN_RETURNS`` pairs, or a benchmark
that did not move, the beta is unknown (NaN) rather than a guess.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MIN_RETURNS = 20
DEFAULT_LOOKBACK = 252  # about one year of sessions


def beta(
    asset_closes: npt.ArrayLike,
    benchmark_closes: npt.ArrayLike,
    *,
    lookback: int = DEFAULT_LOOKBACK,
) -> float:
    """Return the asset's beta to the benchmark (dimensionless), NaN if it cannot be measured."""
    asset = np.asarray(asset_closes, dtype=np.float64)
    benchmark = np.asarray(benchmark_closes, dtype=np.float64)
    if asset.shape != benchmark.shape or asset.ndim != 1:
        raise ValueError(
            f"closes must be two aligned 1-d series; got {asset.shape} and {benchmark.shape}"
        )
    if lookback < MIN_RETURNS:
        raise ValueError(f"lookback={lookback} is shorter than the {MIN_RETURNS} returns needed")
    ra, rb = _paired_log_returns(asset, benchmark)
    ra, rb = ra[-lookback:], rb[-lookback:]
    if ra.size < MIN_RETURNS:
        return float("nan")
    variance = float(np.var(rb, ddof=1))
    if variance == 0.0:
        return float("nan")
    covariance = float(np.cov(ra, rb, ddof=1)[0, 1])
    return covariance / variance


def _paired_log_returns(
    asset: npt.NDArray[np.float64], benchmark: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return the day-over-day log returns of both series where both are usable."""
    usable = np.isfinite(asset) & np.isfinite(benchmark) & (asset > 0) & (benchmark > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ra = np.diff(np.log(asset))
        rb = np.diff(np.log(benchmark))
    pair = usable[1:] & usable[:-1]
    return ra[pair], rb[pair]
