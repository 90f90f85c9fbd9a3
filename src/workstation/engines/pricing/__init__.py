"""Option pricing engines.

European Black–Scholes–Merton (``bsm``) with greeks, implied volatility
(``implied``), and the early-exercise-aware American approximation
(``american``). Prices are dollars per share; time in years; rates, yields
and volatilities as decimals per year.
"""

from workstation.engines.pricing.bsm import Greeks, delta, forward, greeks, price, price_and_greeks

__all__ = ["Greeks", "delta", "forward", "greeks", "price", "price_and_greeks"]
