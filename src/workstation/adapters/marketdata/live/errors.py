"""Broker failures as market-data failures: the message names the provider and the request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from workstation.adapters.redaction import redact
from workstation.domain.quotes import Quote
from workstation.ports.broker import BrokerAuthError, BrokerError
from workstation.ports.marketdata import MarketDataError, UnknownSymbol


@contextmanager
def broker_errors(provider: str, request: str) -> Iterator[None]:
    """Re-raise a ``BrokerError`` inside the block as ``MarketDataError`` naming ``request``."""
    try:
        yield
    except BrokerAuthError as exc:
        raise MarketDataError(
            redact(f"{provider} {request}: {exc} (log in again from Accounts)")
        ) from exc
    except BrokerError as exc:
        raise MarketDataError(redact(f"{provider} {request}: {exc}")) from exc


def unsupported(provider: str, what: str, instead: str = "") -> MarketDataError:
    """Return the error for data ``provider`` does not offer, saying where else to get it."""
    where = f"; {instead}" if instead else ""
    return MarketDataError(f"{provider} does not provide {what}{where}")


def in_order(found: Mapping[str, Quote], symbols: Sequence[str], provider: str) -> list[Quote]:
    """Return ``found``'s quotes in the order of ``symbols``, leaving out symbols it lacks.

    One unknown ticker must not blank a whole watchlist; UnknownSymbol (naming
    them) only when none of ``symbols`` has a quote.
    """
    quotes = [found[symbol] for symbol in symbols if symbol in found]
    if symbols and not quotes:
        raise UnknownSymbol(f"{provider} quotes: no quote for {', '.join(symbols)}")
    return quotes
