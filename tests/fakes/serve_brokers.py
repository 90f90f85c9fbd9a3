"""Run the fake Tastytrade and Schwab servers on 127.0.0.1 for a manual end-to-end run.

    .venv/bin/python -m tests.fakes.serve_brokers [--transactions 2000] [--faults 0.1]

Prints the URLs and the commands that point a workspace at them. Ctrl+C stops.
"""

from __future__ import annotations

import argparse
import time

from tests.fakes.dxlink_server import TickingDxLink
from tests.fakes.http_faults import FaultPlan
from tests.fakes.schwab_server import APP_KEY, APP_SECRET, FakeSchwab
from tests.fakes.tastytrade_history import TastytradeHistory
from tests.fakes.tastytrade_samples import sample_history
from tests.fakes.tastytrade_server import CLIENT_SECRET, REFRESH_TOKEN, FakeTastytrade

SCHWAB_CALLBACK = "https://127.0.0.1:8182/callback"


def main() -> None:
    """Serve both fakes until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=2000, help="tastytrade history rows")
    parser.add_argument("--faults", type=float, default=0.0, help="share of requests that fail")
    options = parser.parse_args()
    faults = FaultPlan(rate=options.faults, seed=1)
    history = sample_history(options.transactions)
    dxlink = TickingDxLink(history.quote_token["token"], _prices(history), _contracts(history))
    history.quote_token["dxlink-url"] = dxlink.url
    tastytrade = FakeTastytrade(history, faults=faults)
    tasty = tastytrade.start_in_thread()
    schwab = FakeSchwab(faults=FaultPlan(rate=options.faults, seed=2)).start_in_thread()
    ws = "--data-dir /tmp/volaris-fake"
    print(
        f"""Fake tastytrade: {tasty.url}   Fake Schwab: {schwab.url}

Point a workspace at them:
  workstation {ws} set tastytrade_environment custom
  workstation {ws} set tastytrade_base_url {tasty.url}
  workstation {ws} set schwab_base_url {schwab.url}
Live quotes and chains from tastytrade (a DXLink feed at {dxlink.url} ticks twice a second):
  workstation {ws} set market_data tastytrade        (applies when the workspace opens)
Link and sync (the secrets go to your OS keyring):
  VOLARIS_TASTYTRADE_CLIENT_SECRET={CLIENT_SECRET} \\
  VOLARIS_TASTYTRADE_REFRESH_TOKEN={REFRESH_TOKEN} workstation {ws} link tastytrade
  VOLARIS_SCHWAB_APP_KEY={APP_KEY} VOLARIS_SCHWAB_APP_SECRET={APP_SECRET} \\
    workstation {ws} link schwab      (the browser lands on {SCHWAB_CALLBACK})
  workstation {ws} sync
  workstation {ws}                    (the app: Accounts panel, Ctrl+8)
Ctrl+C stops the servers.""",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        tasty.stop()
        schwab.stop()
        dxlink.stop()


def _prices(history: TastytradeHistory) -> dict[str, float]:
    return {symbol: float(item["last"]) for symbol, item in history.quotes.items()}


def _contracts(history: TastytradeHistory) -> dict[str, tuple[float, float, float, float, int]]:
    """Price every chain contract: intrinsic value plus a time value falling off with distance."""
    spots = _prices(history)
    contracts = {}
    for root, chains in history.chains.items():
        spot = spots.get(root, 100.0)
        for chain in chains:
            for expiration in chain["expirations"]:
                for strike in expiration["strikes"]:
                    k = float(strike["strike-price"])
                    time_value = max(0.05, 6.0 - 0.25 * abs(k - spot))
                    for side, sign in (("call-streamer-symbol", 1), ("put-streamer-symbol", -1)):
                        mid = max(0.0, sign * (spot - k)) + time_value
                        delta = sign * min(0.95, max(0.05, 0.5 + sign * (spot - k) / 40))
                        contracts[strike[side]] = (round(mid - 0.05, 2), round(mid + 0.05, 2),
                                                   0.18, round(delta, 2), 1500)  # fmt: skip
    return contracts


if __name__ == "__main__":
    main()
