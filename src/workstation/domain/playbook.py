"""The playbook (structure event + context -> setup) and the trader's alert rules.

A ``PlaybookRule`` says: when one of these structure events happens and the
market context is like this (bias, IV regime, price against VWAP, trend),
consider this setup, for this reason. Rules are data: shipped defaults, edited
by the trader, stored in the workspace. ``None`` in a requirement means "any".

An ``AlertRule`` watches one ticker (or every watched ticker, ``"*"``) for a
structure event, a price crossing a level, IV rank crossing a threshold, or
price leaving its expected move; ``cooldown_minutes`` keeps it from firing
again too soon for the same ticker.

Prices are dollars per share (points for indices); IV rank is 0-100.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from workstation.domain.strategies import StrategyKind
from workstation.domain.structure import EventKind

WATCHED = "*"  # an alert rule for every watched ticker
DEFAULT_COOLDOWN_MINUTES = 15
IV_HIGH_AT = 50.0  # IV rank at or above which options are rich (as the planner's regime rule)
IV_LOW_AT = 25.0  # IV rank at or below which options are cheap

# The short names a trader types (and the playbook file uses) for each event kind.
EVENT_NAMES: dict[str, EventKind] = {
    "sweep": EventKind.SWEEP,
    "fvg": EventKind.FVG_TAG,
    "displacement": EventKind.DISPLACEMENT,
    "orb": EventKind.RANGE_BREAK_OPENING,
    "pdr": EventKind.RANGE_BREAK_PRIOR_DAY,
    "bos": EventKind.BREAK_OF_STRUCTURE,
    "choch": EventKind.CHANGE_OF_CHARACTER,
    "reclaim": EventKind.VWAP_RECLAIM,
    "reject": EventKind.VWAP_REJECT,
}
SHORT_NAMES: dict[EventKind, str] = {kind: name for name, kind in EVENT_NAMES.items()}

# Placeholders a rule's reason template may use (see engines.playbook.matching).
REASON_FIELDS = frozenset(
    {"symbol", "event", "level", "price", "bar", "bar_time", "bias", "trend", "iv_rank",
     "vwap", "expected_move", "strategy", "direction"}
)  # fmt: skip


class PlaybookError(ValueError):
    """A playbook rule, alert rule or market context that cannot be used; names what and where."""


class Direction(StrEnum):
    """A directional view: the trader's bias, or the direction a setup profits in."""

    BULLISH = "bullish"
    BEARISH = "bearish"
    NEUTRAL = "neutral"


class Trend(StrEnum):
    """The prevailing trend of the chart the event happened on."""

    UP = "up"
    DOWN = "down"
    SIDEWAYS = "sideways"


class IvRegime(StrEnum):
    """Whether options are rich (high IV rank) or cheap (low) against their own past."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class VwapSide(StrEnum):
    """Where price trades against session VWAP."""

    ABOVE = "above"
    BELOW = "below"


_BULLISH_KINDS = {
    StrategyKind.LONG_CALL, StrategyKind.SHORT_PUT, StrategyKind.BULL_CALL_DEBIT,
    StrategyKind.BULL_PUT_CREDIT, StrategyKind.COVERED_CALL, StrategyKind.CASH_SECURED_PUT,
}  # fmt: skip
_BEARISH_KINDS = {
    StrategyKind.LONG_PUT, StrategyKind.SHORT_CALL, StrategyKind.BEAR_PUT_DEBIT,
    StrategyKind.BEAR_CALL_CREDIT,
}  # fmt: skip
_NEUTRAL_KINDS = {
    StrategyKind.IRON_CONDOR, StrategyKind.IRON_BUTTERFLY, StrategyKind.SHORT_STRADDLE,
    StrategyKind.SHORT_STRANGLE, StrategyKind.LONG_STRADDLE, StrategyKind.LONG_STRANGLE,
}  # fmt: skip


def inherent_direction(kind: StrategyKind) -> Direction | None:
    """The direction a strategy is built for (None for calendars, flies, customs: either)."""
    if kind in _BULLISH_KINDS:
        return Direction.BULLISH
    if kind in _BEARISH_KINDS:
        return Direction.BEARISH
    if kind in _NEUTRAL_KINDS:
        return Direction.NEUTRAL
    return None


@dataclass(frozen=True, slots=True)
class Setup:
    """A trade idea: the strategy (the project's vocabulary) and the direction it profits in."""

    strategy: StrategyKind
    direction: Direction

    def problem(self) -> str | None:
        """Say why the strategy cannot profit in the direction, or None when they agree."""
        built_for = inherent_direction(self.strategy)
        if built_for is None or built_for is self.direction:
            return None
        article = "an" if self.strategy.value[0] in "aeiou" else "a"
        return f"{article} {self.strategy.value} is {built_for.value}, not {self.direction.value}"


@dataclass(frozen=True, slots=True)
class PlaybookRule:
    """When an event in ``events`` happens in this context, suggest ``setup`` because ``reason``.

    ``side`` is the event's side as the structure engine records it (+1
    buy-side / bullish / up, -1 sell-side / bearish / down; a sweep's side is
    the swept level's side), None for either. ``iv_regime`` compares IV rank
    with ``iv_high_at`` / ``iv_low_at`` (0-100): high at or above the first,
    low at or below the second, normal between. ``reason`` is a template with
    ``{placeholders}`` from REASON_FIELDS.
    """

    name: str
    events: frozenset[EventKind]
    setup: Setup
    reason: str
    side: int | None = None
    bias: Direction | None = None
    iv_regime: IvRegime | None = None
    vwap: VwapSide | None = None
    trend: Trend | None = None
    iv_high_at: float = IV_HIGH_AT
    iv_low_at: float = IV_LOW_AT
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise PlaybookError("playbook rule: field 'name' must not be empty")
        if not self.events:
            raise self._error("events", "name at least one structure event")
        if self.side not in (None, 1, -1):
            raise self._error("side", f"must be +1, -1 or any, got {self.side}")
        if not 0 <= self.iv_low_at < self.iv_high_at <= 100:
            raise self._error(
                "iv_low_at", f"need 0 <= low {self.iv_low_at:g} < high {self.iv_high_at:g} <= 100"
            )
        problem = self.setup.problem()
        if problem is not None:
            raise self._error("setup", problem)
        self._check_reason()

    def _check_reason(self) -> None:
        if not self.reason.strip():
            raise self._error("reason", "must say why the setup fits")
        try:
            parts = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(self.reason)]
        except ValueError as exc:
            raise self._error("reason", f"bad template ({exc}); write {{{{ for a brace") from None
        if any(spec or conversion for field, spec, conversion in parts if field is not None):
            raise self._error("reason", "placeholders take no format: numbers come formatted")
        names = {field for field, _, _ in parts if field is not None}
        unknown = sorted(names - REASON_FIELDS)
        if unknown:
            known = ", ".join(sorted(REASON_FIELDS))
            raise self._error("reason", f"unknown placeholder {{{unknown[0]}}} (known: {known})")

    def _error(self, field: str, problem: str) -> PlaybookError:
        return PlaybookError(f"playbook rule {self.name!r}: field {field!r}: {problem}")

    def iv_regime_of(self, iv_rank: float) -> IvRegime:
        """Classify an IV rank (0-100) by this rule's thresholds."""
        if iv_rank >= self.iv_high_at:
            return IvRegime.HIGH
        if iv_rank <= self.iv_low_at:
            return IvRegime.LOW
        return IvRegime.NORMAL

    @property
    def specificity(self) -> int:
        """How many context requirements the rule sets (more specific rules are listed first)."""
        wanted = (self.side, self.bias, self.iv_regime, self.vwap, self.trend)
        return sum(requirement is not None for requirement in wanted)


@dataclass(frozen=True, slots=True)
class MarketContext:
    """What the playbook and alert rules see of a ticker besides the event.

    ``price`` and ``vwap`` are dollars per share; ``iv_rank`` 0-100;
    ``expected_move`` is the one-standard-deviation move in dollars per share
    over ``expected_move_days`` calendar days, measured from
    ``reference_price`` (e.g. the prior session's close). None: unknown.
    """

    symbol: str
    price: float
    bias: Direction | None = None
    iv_rank: float | None = None
    expected_move: float | None = None
    vwap: float | None = None
    trend: Trend | None = None
    expected_move_days: int = 1
    reference_price: float | None = None

    def __post_init__(self) -> None:
        where = f"market context {self.symbol}"
        if not _positive(self.price):
            raise PlaybookError(f"{where}: price {self.price} must be a positive number")
        if self.iv_rank is not None and not (
            math.isfinite(self.iv_rank) and 0 <= self.iv_rank <= 100
        ):
            raise PlaybookError(f"{where}: IV rank {self.iv_rank} must be between 0 and 100")
        if self.expected_move is not None and not _positive(self.expected_move):
            raise PlaybookError(f"{where}: expected move {self.expected_move} must be > 0 dollars")
        if self.expected_move_days < 1:
            raise PlaybookError(f"{where}: expected move horizon must be at least 1 day")
        for name, value in (("VWAP", self.vwap), ("reference price", self.reference_price)):
            if value is not None and not _positive(value):
                raise PlaybookError(f"{where}: {name} {value} must be a positive number")

    @property
    def vwap_side(self) -> VwapSide | None:
        """Above or below VWAP; None when VWAP is unknown or price sits exactly on it."""
        if self.vwap is None or self.price == self.vwap:
            return None
        return VwapSide.ABOVE if self.price > self.vwap else VwapSide.BELOW


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A setup the playbook suggests for an event: which rule, what to trade, and why."""

    rule: str
    strategy: StrategyKind
    direction: Direction
    reasons: tuple[str, ...]


# ---------------------------------------------------------------- alert rules
class AlertRuleKind(StrEnum):
    """What an alert rule watches."""

    STRUCTURE_EVENT = "structure_event"
    PRICE_CROSS = "price_cross"
    IV_RANK = "iv_rank"
    EXPECTED_MOVE_EXIT = "expected_move_exit"


class CrossDirection(StrEnum):
    """Which way a value must cross its level (``either`` accepts both)."""

    ABOVE = "above"
    BELOW = "below"
    EITHER = "either"

    def accepts(self, crossed: CrossDirection) -> bool:
        """Tell whether a crossing that went ``crossed`` counts for this direction."""
        return self is CrossDirection.EITHER or self is crossed


@dataclass(frozen=True, slots=True)
class StructureEventParams:
    """Fire on any of these structure events."""

    events: frozenset[EventKind]

    def __post_init__(self) -> None:
        if not self.events:
            raise PlaybookError("structure alert: name at least one event (e.g. sweep, fvg)")


@dataclass(frozen=True, slots=True)
class PriceCrossParams:
    """Fire when price crosses ``level`` (dollars per share) in ``direction``."""

    level: float
    direction: CrossDirection

    def __post_init__(self) -> None:
        if not _positive(self.level):
            raise PlaybookError(f"price alert: level {self.level} must be a positive price")


@dataclass(frozen=True, slots=True)
class IvRankParams:
    """Fire when IV rank (0-100) crosses ``threshold`` in ``direction``."""

    threshold: float
    direction: CrossDirection

    def __post_init__(self) -> None:
        if not (math.isfinite(self.threshold) and 0 <= self.threshold <= 100):
            raise PlaybookError(f"IV rank alert: threshold {self.threshold} must be 0-100")


@dataclass(frozen=True, slots=True)
class ExpectedMoveParams:
    """Fire when price leaves reference ± the ``days``-calendar-day expected move."""

    days: int

    def __post_init__(self) -> None:
        if not 1 <= self.days <= 365:
            raise PlaybookError(f"expected-move alert: horizon {self.days} must be 1-365 days")


AlertParameters = StructureEventParams | PriceCrossParams | IvRankParams | ExpectedMoveParams

_KIND_OF: dict[type, AlertRuleKind] = {
    StructureEventParams: AlertRuleKind.STRUCTURE_EVENT,
    PriceCrossParams: AlertRuleKind.PRICE_CROSS,
    IvRankParams: AlertRuleKind.IV_RANK,
    ExpectedMoveParams: AlertRuleKind.EXPECTED_MOVE_EXIT,
}


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One of the trader's alert rules; ``id`` is 0 until stored.

    ``symbol`` is a ticker or WATCHED (``"*"``); ``cooldown_minutes`` is the
    least time between two fires for one ticker; a rule with ``muted_until``
    in the future, or not ``enabled``, does not fire.
    """

    symbol: str
    parameters: AlertParameters
    cooldown_minutes: int = DEFAULT_COOLDOWN_MINUTES
    enabled: bool = True
    muted_until: datetime | None = None
    id: int = 0
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        where = f"alert rule {self.id or 'new'} ({self.symbol})"
        if not self.symbol.strip() or self.symbol != self.symbol.strip().upper():
            raise PlaybookError(f"{where}: symbol must be an upper-case ticker or '*'")
        if self.cooldown_minutes < 0:
            raise PlaybookError(f"{where}: cooldown {self.cooldown_minutes} must be >= 0 minutes")
        for name, instant in (("muted_until", self.muted_until), ("created_at", self.created_at)):
            if instant is not None and instant.tzinfo is None:
                raise PlaybookError(f"{where}: {name} has no time zone")

    @property
    def kind(self) -> AlertRuleKind:
        """What the rule watches, from its parameters."""
        return _KIND_OF[type(self.parameters)]

    @property
    def cooldown(self) -> timedelta:
        """The least time between two fires for one ticker."""
        return timedelta(minutes=self.cooldown_minutes)

    def applies_to(self, symbol: str) -> bool:
        """Tell whether the rule watches ``symbol``."""
        return self.symbol in (WATCHED, symbol)

    def is_muted(self, now: datetime) -> bool:
        """Tell whether the rule is silenced at ``now``."""
        return self.muted_until is not None and now < self.muted_until
