"""Market data from linked broker accounts (tastytrade, Schwab) behind the MarketData port."""

from __future__ import annotations

from workstation.adapters.marketdata.live.fallback import FallbackMarketData

__all__ = ["FallbackMarketData"]
