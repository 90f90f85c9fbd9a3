"""Exit management: the trader's exit rules, a position as the rules see it, and the verdicts.

Units: money is Decimal dollars for the whole position (credit positive, debit
negative, as in :mod:`workstation.domain.transactions`); option prices, marks,
extrinsic value and strikes are floats per share; the expected move is a float
in dollars (one standard deviation to the nearest expiry); fractions are 0-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)


class RuleState(StrEnum):
    """Where a position stands against one exit rule."""

    NOT_APPLICABLE = "not_applicable"
    OK = "ok"
    NEAR = "near"
    HIT = "hit"

    @property
    def severity(self) -> int:
        """Order the states for "worst of": not applicable 0, ok 1, near 2, hit 3."""
        return _SEVERITY[self]


_SEVERITY = {
    RuleState.NOT_APPLICABLE: 0,
    RuleState.OK: 1,
    RuleState.NEAR: 2,
    RuleState.HIT: 3,
}


class ExitRuleKind(StrEnum):
    """The exit rules the workstation watches."""

    PROFIT_TARGET = "profit_target"
    MAX_LOSS = "max_loss"
    TIME = "time"
    EXPIRY = "expiry"


class ExpiryAction(StrEnum):
    """What to do with a position in the expiry window (0-1 DTE by default)."""

    LET_EXPIRE = "let_expire"
    CLOSE = "close"
    CLOSE_TESTED_SIDE = "close_tested_side"  # close the side at risk, let the rest expire


class ExpiryRisk(StrEnum):
    """One reason an expiring leg needs attention."""

    IN_THE_MONEY = "in_the_money"  # a short leg will be assigned
    PIN = "pin"  # spot within the pin band of a short strike
    NEAR_STRIKE = "near_strike"  # inside the safety margin, outside the pin band
    EX_DIVIDEND = "ex_dividend"  # early assignment of a short call for the dividend
    LOW_EXTRINSIC = "low_extrinsic"  # a short ITM leg with almost no time value left
    AUTO_EXERCISE = "auto_exercise"  # a long ITM leg that would turn into stock


def _check_fraction(name: str, value: Decimal | float | None, *, upper: float | None) -> None:
    if value is None:
        return
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"ExitRules.{name}: {value} must be a positive number")
    if upper is not None and number > upper:
        raise ValueError(f"ExitRules.{name}: {value} must be at most {upper}")


@dataclass(frozen=True, slots=True)
class ExitRules:
    """The trader's exit rules; a threshold set to None turns that rule off.

    ``profit_target_credit``: fraction of max profit (0-1) at which to take a
    credit trade off. ``profit_target_debit``: gain as a fraction of the debit
    paid (1.00 = +100%). ``max_loss_multiple``: a credit trade's loss as a
    multiple of the credit received. ``max_loss_debit``: a debit trade's loss
    as a fraction of the debit (0-1). ``time_exit_dte``: calendar days to
    expiry at which to exit; ``time_near_days`` days before that it is "near".
    ``expiry_window_dte``: days to expiry (0 = expiration day) inside which the
    let-expire vs close recommendation is made. ``pin_band_em`` and
    ``safe_distance_em``: distance of a short strike from spot in expected
    moves that counts as pinned / as safely out of the money.
    ``fallback_move_pct``: the move assumed, in percent of spot, when the
    expected move is unknown. ``cheap_close``: cost per share at or below which
    closing a short leg is cheap insurance. ``low_extrinsic``: time value per
    share below which a short in-the-money leg may be assigned early.
    ``near_fraction``: a rule is "near" at this fraction of its threshold (0-1).
    """

    profit_target_credit: Decimal | None = Decimal("0.50")
    profit_target_debit: Decimal | None = Decimal("1.00")
    max_loss_multiple: Decimal | None = Decimal(2)
    max_loss_debit: Decimal | None = Decimal("0.50")
    time_exit_dte: int | None = 21
    time_near_days: int = 7
    expiry_window_dte: int = 1
    pin_band_em: float = 0.25
    safe_distance_em: float = 1.0
    fallback_move_pct: float = 1.0
    cheap_close: Decimal = Decimal("0.05")
    low_extrinsic: float = 0.05
    near_fraction: float = 0.8

    def __post_init__(self) -> None:
        _check_fraction("profit_target_credit", self.profit_target_credit, upper=1.0)
        _check_fraction("profit_target_debit", self.profit_target_debit, upper=None)
        _check_fraction("max_loss_multiple", self.max_loss_multiple, upper=None)
        _check_fraction("max_loss_debit", self.max_loss_debit, upper=1.0)
        _check_fraction("pin_band_em", self.pin_band_em, upper=None)
        _check_fraction("safe_distance_em", self.safe_distance_em, upper=None)
        _check_fraction("fallback_move_pct", self.fallback_move_pct, upper=100.0)
        _check_fraction("near_fraction", self.near_fraction, upper=1.0)
        self._check_days_and_prices()

    def _check_days_and_prices(self) -> None:
        if self.time_exit_dte is not None and self.time_exit_dte < 0:
            raise ValueError(f"ExitRules.time_exit_dte: {self.time_exit_dte} must be 0 or more")
        if self.time_near_days < 0:
            raise ValueError(f"ExitRules.time_near_days: {self.time_near_days} must be 0 or more")
        if self.expiry_window_dte < 0:
            raise ValueError(
                f"ExitRules.expiry_window_dte: {self.expiry_window_dte} must be 0 or more"
            )
        if self.safe_distance_em < self.pin_band_em:
            raise ValueError(
                f"ExitRules.safe_distance_em: {self.safe_distance_em} must be at least "
                f"pin_band_em ({self.pin_band_em})"
            )
        if not self.cheap_close.is_finite() or self.cheap_close < 0:
            raise ValueError(f"ExitRules.cheap_close: {self.cheap_close} must be 0 or more")
        if not math.isfinite(self.low_extrinsic) or self.low_extrinsic < 0:
            raise ValueError(f"ExitRules.low_extrinsic: {self.low_extrinsic} must be 0 or more")


@dataclass(frozen=True, slots=True)
class ExitLeg:
    """One leg of a position as the exit rules see it.

    ``is_call`` is None for stock. ``quantity`` is signed (+ long, - short) in
    contracts or shares; ``multiplier`` is shares per contract (1 for stock).
    ``mark``, ``entry_price``, ``extrinsic`` and ``delta`` are per share and
    may be NaN when unknown. ``cash_settled`` marks index options that settle
    in cash (no shares change hands at expiry or on exercise).
    """

    symbol: str
    is_call: bool | None
    strike: float | None
    expiry: date | None
    quantity: Decimal
    multiplier: Decimal
    mark: float
    entry_price: float
    extrinsic: float = math.nan
    delta: float = math.nan
    cash_settled: bool = False

    def __post_init__(self) -> None:
        if self.quantity == 0:
            raise ValueError(f"exit leg {self.symbol}: quantity must not be 0")
        if self.multiplier <= 0:
            raise ValueError(f"exit leg {self.symbol}: multiplier {self.multiplier} must be > 0")
        if self.is_call is not None and (self.strike is None or self.expiry is None):
            raise ValueError(f"exit leg {self.symbol}: an option needs a strike and an expiry")
        if self.strike is not None and not (math.isfinite(self.strike) and self.strike > 0):
            raise ValueError(f"exit leg {self.symbol}: strike {self.strike} must be > 0")

    @property
    def is_option(self) -> bool:
        """True for an option leg, False for stock."""
        return self.is_call is not None

    @property
    def is_short(self) -> bool:
        """True when the leg is held short (negative quantity)."""
        return self.quantity < 0


@dataclass(frozen=True, slots=True)
class ExitPosition:
    """An open position with what the exit rules need to judge it.

    ``opening_cash``: cash at the open net of fees (+ credit received, - debit
    paid), dollars. ``current_value``: what closing now at the marks would
    receive (+) or pay (-), dollars. ``max_profit`` / ``max_loss``: dollars,
    positive, None when unbounded. ``spot``: the underlying price.
    ``expected_move``: one standard deviation move to the nearest expiry in
    dollars (NaN unknown). ``dte``: calendar days from ``as_of`` to the nearest
    option expiry (None for stock only). ``ex_dividend`` / ``dividend``: the
    underlying's next ex-date and dividend per share. ``session_after_expiry``:
    the first exchange session after the nearest expiry (from the exchange
    calendar); an ex-date on that session still makes in-the-money short calls
    likely to be assigned. None means only ex-dates on or before expiry count.
    """

    id: str
    name: str
    underlying: str
    legs: tuple[ExitLeg, ...]
    opening_cash: Decimal
    current_value: Decimal
    max_profit: Decimal | None
    max_loss: Decimal | None
    spot: float
    expected_move: float
    dte: int | None
    as_of: date
    ex_dividend: date | None = None
    dividend: Decimal | None = None
    session_after_expiry: date | None = None

    def __post_init__(self) -> None:
        where = f"exit position {self.id} ({self.name})"
        if not self.legs:
            raise ValueError(f"{where}: a position needs at least one leg")
        if not (math.isfinite(self.spot) and self.spot > 0):
            raise ValueError(f"{where}: spot {self.spot} must be a price > 0")
        if self.dte is not None and self.dte < 0:
            raise ValueError(f"{where}: DTE {self.dte} must be 0 or more (expired positions close)")
        if self.dte is None and any(leg.is_option for leg in self.legs):
            raise ValueError(f"{where}: an option position needs its DTE")
        for name in ("max_profit", "max_loss"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{where}: {name} {value} must be positive dollars or None")

    @property
    def has_options(self) -> bool:
        """True when any leg is an option."""
        return any(leg.is_option for leg in self.legs)


@dataclass(frozen=True, slots=True)
class ExitSignal:
    """One rule's verdict on one position.

    ``condition_key`` is stable for the same position, rule and state
    (``exit:<position id>:<rule>:<state>``): the alert service raises one alert
    per key, so a rule that stays hit does not alert again.
    """

    position_id: str
    rule: ExitRuleKind
    state: RuleState
    headline: str
    detail: str

    @property
    def condition_key(self) -> str:
        """The key the alert service deduplicates on."""
        return f"exit:{self.position_id}:{self.rule}:{self.state}"


@dataclass(frozen=True, slots=True)
class ExpiringLeg:
    """The facts weighed for one leg that expires inside the window.

    ``distance_em``: how far the strike is out of the money in expected moves
    (negative when in the money). ``intrinsic``: in-the-money amount per share
    (0 when out of the money). ``cost_to_close``: dollars to close the leg at
    its mark (None when the mark is unknown; negative when closing receives
    cash). ``exposure``: dollars of stock that assignment or exercise would move
    (shares x strike; 0 for cash-settled legs). ``risks``: what needs attention.
    """

    symbol: str
    description: str
    distance_em: float
    intrinsic: float
    cost_to_close: Decimal | None
    exposure: Decimal
    risks: frozenset[ExpiryRisk]


@dataclass(frozen=True, slots=True)
class ExpiryRecommendation:
    """Let expire or close, with every reason spelled out with its numbers.

    ``legs_to_close`` lists leg symbols to close (empty for LET_EXPIRE).
    ``expected_move`` is the yardstick used in dollars and ``move_source`` says
    where it came from (implied, or a fallback percent of spot).
    ``risk_score`` is the share of expiring legs (0-1) that need closing.
    """

    action: ExpiryAction
    reasons: tuple[str, ...]
    legs_to_close: tuple[str, ...]
    legs: tuple[ExpiringLeg, ...]
    expected_move: float
    move_source: str
    risk_score: float


@dataclass(frozen=True, slots=True)
class ExitAssessment:
    """All exit verdicts on one position; ``recommendation`` only inside the expiry window."""

    position_id: str
    signals: tuple[ExitSignal, ...]
    recommendation: ExpiryRecommendation | None

    @property
    def worst(self) -> RuleState:
        """The most severe state among the signals."""
        states = (signal.state for signal in self.signals)
        return max(states, key=lambda state: state.severity, default=RuleState.NOT_APPLICABLE)
