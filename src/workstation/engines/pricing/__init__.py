"""Option pricing engines: Black–Scholes–Merton (European, continuous dividend yield).

Prices are dollars per share; time in years; rates, yields and volatilities
as decimals per year.
"""

from workstation.engines.pricing.bsm import Contracts, contracts, delta, forward, price

__all__ = ["Contracts", "contracts", "delta", "forward", "price"]
