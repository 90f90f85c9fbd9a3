"""The tastytrade adapter's fixtures (a vault, a clock, the fake API and a linked client)."""

from tests.unit.adapters.tastytrade.conftest import clock, connected, serve, vault

__all__ = ["clock", "connected", "serve", "vault"]
