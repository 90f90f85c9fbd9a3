"""Which market data a workspace runs on: the demo simulator or a linked broker's live feed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from workstation.adapters.brokers import KeyringBrokerGateway
from workstation.adapters.marketdata.live import FallbackMarketData
from workstation.config.settings import WorkspaceSettings
from workstation.ports.broker import BrokerError
from workstation.ports.marketdata import MarketData

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MarketSource:
    """The provider a workspace uses; ``simulated`` when it is the demo market.

    ``note`` says why the demo market stands in for a broker the settings ask for.
    """

    provider: MarketData
    simulated: bool
    note: str = ""


def choose_market(
    settings: WorkspaceSettings, gateway: KeyringBrokerGateway, demo: MarketData
) -> MarketSource:
    """Return the broker ``settings.market_data`` names (other linked brokers as fallbacks),
    or ``demo`` when the settings ask for it or the broker is not linked (blocking: keyring).
    """
    wanted = settings.market_data
    if wanted == "demo":
        return MarketSource(demo, simulated=True)
    linked = gateway.linked()
    if wanted not in linked:
        note = f"{wanted} is not linked (Accounts → Link account); showing the demo market"
        log.warning("market data: %s", note)
        return MarketSource(demo, simulated=True, note=note)
    order = [wanted, *(broker for broker in linked if broker != wanted)]
    try:
        providers = [gateway.market_data(broker) for broker in order]
    except BrokerError as exc:
        note = f"{wanted} market data unavailable ({exc}); showing the demo market"
        log.warning("market data: %s", note)
        return MarketSource(demo, simulated=True, note=note)
    log.info("market data: %s", " then ".join(order))
    provider = providers[0] if len(providers) == 1 else FallbackMarketData(providers)
    return MarketSource(provider, simulated=False)
