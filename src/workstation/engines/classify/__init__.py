"""Strategy identification: fills grouped into positions-as-strategies, rolls linked into chains.

``classify`` takes ledger rows (any order), the ledger engine's lot matches
(closing key -> the opening keys whose lots it consumed) and the trader's
overrides, and returns ``Classification`` (domain.trade_groups).

How fills become groups (details in the modules):

- **Orders** (``units``): trade rows sharing an order id are one order; rows
  without one join while each follows the previous within ``window``
  (default 2 minutes) on the same account and underlying. Expirations,
  assignments and exercises at one instant are one broker event.
- **Placing** (``placement``), in ledger order: closes follow the lots they
  consume. An order's opening fills go together to the first match of:
  short calls sold against uncovered long stock (covered call); a new group
  rolled from what the same order closed (roll); an open group opened within
  ``window`` that they complete into a known structure (legged in); a new
  group rolled from a closing-only order within ``window`` before (roll
  across orders); an open group with the same contracts, directions and
  ratio (added contracts); else a new group.
- **Wheel**: stock delivered by an assignment stays in the assigned option's
  group, and calls sold against it join that group, which then reads as a
  covered call. Its cash flow is the whole wheel's: premium, stock, calls.
- **Kind** (``structure``): what the group held right after its last
  opening trade, quantities reduced to their smallest ratio, classified by
  ``engines.strategies.classify``. A short put is a SHORT_PUT: whether cash
  is set aside is not in the fills; it is a CASH_SECURED_PUT only when the
  broker's sub-type or description says "cash secured".
- **Ids** are the key of the group's first opening row (stable across
  re-imports); positions opened before the history take the key of their
  first closing row. A roll chain's id is its oldest group's id.
- **Overrides** (``membership``): ``regroup`` moves opening rows (their
  closes follow) and the kind is re-derived; ``names`` and ``tags`` apply by
  group id. Overrides whose row or group is gone are reported in
  ``Classification.stale_overrides`` and otherwise ignored.

Only rows that move a position are grouped; dividends, interest, fees and
money movements are not part of any group. Transaction keys are taken to be
unique across the rows given (broker ids and fingerprints are).

Groups never span accounts, so a service may classify each account on its
own and cache the result until that account's rows change. Steps work on
row numbers (``table``) rather than keys; about 15 µs per row in all.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta

from workstation.domain.trade_groups import Classification, StrategyOverrides
from workstation.domain.transactions import Transaction
from workstation.engines.classify.assemble import assemble
from workstation.engines.classify.membership import settle
from workstation.engines.classify.placement import place
from workstation.engines.classify.table import read_table
from workstation.engines.classify.units import deliveries, units_of

DEFAULT_WINDOW = timedelta(minutes=2)
_NO_OVERRIDES = StrategyOverrides()


def classify(
    rows: Iterable[Transaction],
    closes: Mapping[str, Sequence[str]],
    overrides: StrategyOverrides = _NO_OVERRIDES,
    *,
    window: timedelta = DEFAULT_WINDOW,
) -> Classification:
    """Group ``rows`` into strategies, link rolls and apply ``overrides``.

    ``closes`` maps each closing row's key to the opening row keys whose
    lots it consumed, in the order consumed (the ledger's closing matches).
    ``window`` is how close in time fills without a shared order id must be
    to count as one order, a legged-in entry or a roll.
    """
    if window < timedelta(0):
        raise ValueError(f"window {window} must not be negative")
    with _collector_paused():
        table = read_table(rows, closes)
        delivered = deliveries(table, window)
        placement = place(units_of(table, delivered, window), table, delivered, window)
        membership = settle(table, placement, overrides.regroup)
        return assemble(table, placement, membership, overrides)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while classifying.

    Classifying builds a few hundred thousand small objects and no reference
    cycles; left running, the collector rescans the whole workspace (every
    loaded transaction) several times over and doubles the time taken. It is
    left as it was found, so a caller that switched it off keeps it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = ["DEFAULT_WINDOW", "classify"]
