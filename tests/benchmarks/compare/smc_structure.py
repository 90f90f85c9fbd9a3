"""Time smartmoneyconcepts' fvg and swing_highs_lows on saved bars (runs in .venv-bench).

Usage: python smc_structure.py BARS.npz SWING_LENGTH REPEATS RESULTS.npz
  ->  prints JSON {"fvg_seconds": best, "swings_seconds": best} and saves smc's
      columns (FVG, Top, Bottom, MitigatedIndex, HighLow) to RESULTS.npz.
"""

import json
import os
import sys
import time
import warnings

os.environ["SMC_CREDIT"] = "0"  # the package prints a banner on import otherwise

import numpy as np
import pandas as pd
from smartmoneyconcepts import smc


def best_of(repeats, run):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    data = np.load(sys.argv[1])
    length, repeats = int(sys.argv[2]), int(sys.argv[3])
    ohlc = pd.DataFrame({k: data[k] for k in ("open", "high", "low", "close")})
    warnings.simplefilter("ignore")
    fvg_seconds, gaps = best_of(repeats, lambda: smc.fvg(ohlc))
    swings_seconds, swings = best_of(repeats, lambda: smc.swing_highs_lows(ohlc, length))
    np.savez(
        sys.argv[4],
        fvg=gaps["FVG"].to_numpy(),
        top=gaps["Top"].to_numpy(),
        bottom=gaps["Bottom"].to_numpy(),
        mitigated=gaps["MitigatedIndex"].to_numpy(),
        highlow=swings["HighLow"].to_numpy(),
    )
    print(json.dumps({"fvg_seconds": fvg_seconds, "swings_seconds": swings_seconds}))


if __name__ == "__main__":
    main()
