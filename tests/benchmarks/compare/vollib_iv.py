"""Time py_vollib_vectorized on the input sets saved by the benchmark (runs in .venv-bench).

Usage: python vollib_iv.py INPUTS.npz REPEATS  ->  prints JSON {"seconds": best per set}
"""

import json
import sys
import time
import warnings

import numpy as np
from py_vollib_vectorized import vectorized_implied_volatility


def main() -> None:
    data = np.load(sys.argv[1])
    repeats = int(sys.argv[2])
    sets = sorted({name.split("_")[0] for name in data.files})
    args = [
        (
            data[f"{s}_price"],
            data[f"{s}_spot"],
            data[f"{s}_strike"],
            data[f"{s}_t"],
            data[f"{s}_r"],
            np.where(data[f"{s}_call"], "c", "p"),
            data[f"{s}_q"],
        )
        for s in sets
    ]
    warnings.simplefilter("ignore")

    def run(a):
        price, spot, strike, t, r, flag, q = a
        return vectorized_implied_volatility(
            price,
            spot,
            strike,
            t,
            r,
            flag,
            q=q,
            model="black_scholes_merton",
            return_as="numpy",
            on_error="ignore",
        )

    run(args[0])  # numba compiles here; the comparison is of warm calls
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for a in args:
            run(a)
        best = min(best, (time.perf_counter() - start) / len(args))
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    main()
