"""Option chains as numpy structured arrays, one row per contract.

``expiry`` is a numpy ``datetime64[D]`` (the expiration date); prices are
dollars per share; ``iv`` is a decimal (0.20 = 20 %); NaN where unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

CHAIN_DTYPE = np.dtype(
    [
        ("expiry", "M8[D]"),
        ("strike", "f8"),
        ("is_call", "?"),
        ("bid", "f8"),
        ("ask", "f8"),
        ("last", "f8"),
        ("iv", "f8"),
        ("delta", "f8"),
        ("open_interest", "i8"),
        ("volume", "i8"),
    ]
)

ChainArray = npt.NDArray[Any]


@dataclass(frozen=True, slots=True, eq=False)
class ChainSnapshot:
    """All listed contracts of one underlying at one instant.

    ``settlement`` says the exercise style the provider reported:
    "american" for equity/ETF options, "european" for cash-settled indices.
    """

    underlying: str
    as_of: datetime
    spot: float
    rows: ChainArray
    settlement: str = "american"
    source: str = ""

    @property
    def expirations(self) -> list[date]:
        """Distinct expiration dates, nearest first."""
        return [d.astype(object) for d in np.unique(self.rows["expiry"])]

    def expiry_rows(self, expiry: date) -> ChainArray:
        """Rows of one expiration, sorted by strike then calls before puts."""
        rows: ChainArray = self.rows[self.rows["expiry"] == np.datetime64(expiry, "D")]
        ordered: ChainArray = rows[np.lexsort((~rows["is_call"], rows["strike"]))]
        return ordered
