"""Broker accounts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AccountKind(StrEnum):
    """Account type as the broker reports it."""

    MARGIN = "margin"
    CASH = "cash"
    IRA = "ira"
    DEMO = "demo"


@dataclass(frozen=True, slots=True)
class Account:
    """A brokerage account; ``number`` is the broker's account number."""

    broker: str
    number: str
    kind: AccountKind
    nickname: str = ""
