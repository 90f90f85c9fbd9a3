"""The Schwab adapter's fixtures (a vault, a clock, the fake API and a linked client)."""

from tests.unit.adapters.schwab.conftest import broker, clock, fake, vault

__all__ = ["broker", "clock", "fake", "vault"]
