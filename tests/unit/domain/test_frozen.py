"""quick_constructor builds the very objects the frozen dataclass itself builds."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.frozen import quick_constructor
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.transactions import (
    PositionEffect,
    Transaction,
    TransactionError,
    TransactionKind,
    build_transaction,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Fill:
    symbol: str
    quantity: int
    legs: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str = dataclasses.field(default="", kw_only=True)
    checked: bool = dataclasses.field(default=False, init=False, compare=False)

    def __post_init__(self) -> None:
        if self.quantity == 0:
            raise ValueError("quantity must not be zero")
        object.__setattr__(self, "checked", True)


quick_fill = quick_constructor(Fill)


def test_the_result_is_a_frozen_instance_of_the_class_equal_to_the_plain_one():
    quick, plain = quick_fill("SPY", 2, ("a",), note="x"), Fill("SPY", 2, ("a",), note="x")
    assert type(quick) is Fill
    assert quick == plain
    assert hash(quick) == hash(plain)
    assert repr(quick) == repr(plain)
    assert quick.checked  # __post_init__ ran on it
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.symbol = "QQQ"  # type: ignore[misc]


def test_defaults_and_keyword_only_fields_behave_as_in_the_class():
    assert quick_fill("SPY", 1) == Fill("SPY", 1)
    assert quick_fill("SPY", 1).legs == ()
    with pytest.raises(TypeError):
        quick_fill("SPY", 1, (), "positional note")  # type: ignore[misc]
    with pytest.raises(TypeError):
        quick_fill("SPY")  # type: ignore[call-arg]


def test_post_init_errors_reach_the_caller():
    with pytest.raises(ValueError, match="must not be zero"):
        quick_fill("SPY", 0)


def test_results_pickle_copy_and_replace_like_plain_instances():
    quick = quick_fill("SPY", 3, note="n")
    assert pickle.loads(pickle.dumps(quick)) == quick
    assert copy.deepcopy(quick) == quick
    changed = dataclasses.replace(quick, quantity=4)
    assert type(changed) is Fill
    assert changed == Fill("SPY", 4, note="n")


def test_only_frozen_slots_dataclasses_are_accepted():
    @dataclasses.dataclass(slots=True)
    class Mutable:
        x: int

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    for cls in (Mutable, NoSlots, int):
        with pytest.raises(TypeError, match="not a frozen dataclass with slots"):
            quick_constructor(cls)


_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))])
_MONEY = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)


@st.composite
def transaction_arguments(draw: st.DrawFn) -> dict[str, object]:
    option = draw(st.booleans())
    return {
        "broker": draw(st.sampled_from(["tastytrade", "schwab"])),
        "account": draw(st.text("0123456789ABC", min_size=1, max_size=8)),
        "key": draw(st.text(min_size=1, max_size=20)),
        "kind": draw(st.sampled_from(TransactionKind)),
        "executed_at": datetime(2026, 1, 2, tzinfo=UTC).astimezone(draw(_ZONES))
        + timedelta(seconds=draw(st.integers(0, 10**7))),
        "instrument": InstrumentKind.EQUITY_OPTION if option else InstrumentKind.EQUITY,
        "symbol": "SPY   261218P00450000" if option else "SPY",
        "expiry": date(2026, 12, 18) if option else None,
        "strike": Decimal(450) if option else None,
        "right": OptionRight.PUT if option else None,
        "quantity": Decimal(draw(st.integers(-50, 50))),
        "price": draw(st.none() | _MONEY.map(abs)),
        "value": draw(_MONEY),
        "commission": draw(_MONEY.map(abs)),
        "effect": draw(st.sampled_from([None, *PositionEffect])),
        "order_id": draw(st.text("0123456789", max_size=6)),
    }


@given(transaction_arguments())
def test_build_transaction_builds_what_transaction_builds(arguments):
    quick, plain = build_transaction(**arguments), Transaction(**arguments)  # type: ignore[arg-type]
    assert type(quick) is Transaction
    assert quick == plain
    assert quick.content_key == plain.content_key
    assert hash(quick) == hash(plain)


def test_build_transaction_validates_like_transaction():
    with pytest.raises(TransactionError, match="broker, account and key are required"):
        build_transaction(
            "tastytrade", "", "k", TransactionKind.DEPOSIT, datetime(2026, 1, 2, tzinfo=UTC)
        )
    naive = datetime(2026, 1, 2)  # noqa: DTZ001 - the naive time is the point
    with pytest.raises(TransactionError, match="has no time zone"):
        build_transaction("tastytrade", "A", "k", TransactionKind.DEPOSIT, naive)
