"""Demo market data: a deterministic simulated market (no accounts, no network)."""

from workstation.adapters.marketdata.demo.provider import DEFAULT_SEED, DemoMarketData

__all__ = ["DEFAULT_SEED", "DemoMarketData"]
