"""Option pricing engines.

European Black–Scholes–Merton (``bsm``) with greeks, implied volatility
(``implied``), the American Bjerksund–Stensland 2002 approximation
(``american``, ``american_implied``), the model chosen per underlying
(``models``), expiry instants (``expiry``) and parity-implied forwards
(``parity``). Prices are dollars per share; time in years; rates, yields
and volatilities as decimals per year.
"""

from workstation.engines.pricing.american import american_greeks, american_price
from workstation.engines.pricing.american_implied import (
    american_implied_volatility,
    american_implied_volatility_status,
)
from workstation.engines.pricing.bsm import (
    Greeks,
    delta,
    forward,
    greeks,
    price,
    price_and_greeks,
)
from workstation.engines.pricing.implied import (
    ImpliedVolatility,
    IvStatus,
    implied_volatility,
    implied_volatility_status,
)

__all__ = [
    "Greeks",
    "ImpliedVolatility",
    "IvStatus",
    "american_greeks",
    "american_implied_volatility",
    "american_implied_volatility_status",
    "american_price",
    "delta",
    "forward",
    "greeks",
    "implied_volatility",
    "implied_volatility_status",
    "price",
    "price_and_greeks",
]
