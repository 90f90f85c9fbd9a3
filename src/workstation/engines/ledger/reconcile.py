"""The ledger checked against the broker: positions by symbol and the cash balance.

After a sync, the positions the ledger rebuilt from transactions must equal
what the broker reports. Each difference gets the most likely reason so the
trader knows whether to worry (an assignment the broker has not posted yet)
or to import older history (a position opened before the synced window).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from workstation.domain.brokers import BrokerPosition, PositionDifference, Reconciliation
from workstation.domain.transactions import Transaction

ZERO = Decimal(0)


def reconcile(
    broker: str,
    account: str,
    as_of: datetime,
    ledger_positions: Mapping[tuple[str, str], Decimal],
    broker_positions: Iterable[BrokerPosition],
    rows: Iterable[Transaction],
    broker_cash: Decimal | None,
) -> Reconciliation:
    """Compare one account's ledger with the broker's report.

    ``ledger_positions`` maps (account, symbol) to signed quantity (other
    accounts are ignored); ``rows`` are the ledger's applied rows (their net
    cash is the ledger's cash balance, dollars).
    """
    mine = {s: q for (a, s), q in ledger_positions.items() if a == account and q != ZERO}
    theirs: dict[str, Decimal] = {}
    for position in broker_positions:
        if position.account == account and position.quantity != ZERO:
            theirs[position.symbol] = theirs.get(position.symbol, ZERO) + position.quantity
    differences = [
        _difference(account, symbol, mine.get(symbol, ZERO), theirs.get(symbol, ZERO))
        for symbol in sorted(set(mine) | set(theirs))
        if mine.get(symbol, ZERO) != theirs.get(symbol, ZERO)
    ]
    cash = sum((row.net_value for row in rows if row.account == account), ZERO)
    return Reconciliation(broker, account, as_of, tuple(differences), cash, broker_cash)


def _difference(account: str, symbol: str, ledger: Decimal, broker: Decimal) -> PositionDifference:
    if ledger == ZERO:
        reason = (
            "held at the broker but not in the ledger: opened before the synced history "
            "(import an older CSV export) or transferred in"
        )
    elif broker == ZERO:
        reason = (
            "in the ledger but not at the broker: an expiration, assignment or transfer "
            "the broker has not posted as a transaction yet"
        )
    elif (ledger > ZERO) != (broker > ZERO):
        reason = "the ledger and the broker hold opposite sides: a fill is missing"
    else:
        reason = "the quantities differ: a partial fill or a split is missing from the ledger"
    return PositionDifference(account, symbol, ledger, broker, reason)
