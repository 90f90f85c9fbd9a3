"""Which structures the event guardrails block, warn about or just note.

Selling premium into a scheduled shock is what the guardrails stop: a
directional credit spread or naked short option can lose many times its
credit on one gap. Defined-risk neutral structures and covered calls are
warned about; long-premium structures are told about the volatility crush
after an earnings report (and, more softly, after a macro release).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workstation.domain.event_calendar import MACRO_KINDS, EventKind
from workstation.domain.strategies import StrategyKind

K = StrategyKind

SHORT_PREMIUM_KINDS = frozenset(
    {
        K.BULL_PUT_CREDIT,
        K.BEAR_CALL_CREDIT,
        K.SHORT_CALL,
        K.SHORT_PUT,
        K.SHORT_STRADDLE,
        K.SHORT_STRANGLE,
        K.CASH_SECURED_PUT,
        K.CALL_RATIO_SPREAD,
        K.PUT_RATIO_SPREAD,
        K.JADE_LIZARD,
    }
)
DEFINED_NEUTRAL_KINDS = frozenset({K.IRON_CONDOR, K.IRON_BUTTERFLY})
COVERED_KINDS = frozenset({K.COVERED_CALL})
LONG_PREMIUM_KINDS = frozenset(
    {
        K.LONG_CALL,
        K.LONG_PUT,
        K.BULL_CALL_DEBIT,
        K.BEAR_PUT_DEBIT,
        K.LONG_STRADDLE,
        K.LONG_STRANGLE,
        K.CALL_CALENDAR,
        K.PUT_CALENDAR,
        K.CALL_DIAGONAL,
        K.PUT_DIAGONAL,
        K.CALL_BUTTERFLY,
        K.PUT_BUTTERFLY,
    }
)
BULLISH_KINDS = frozenset(
    {
        K.LONG_CALL,
        K.BULL_CALL_DEBIT,
        K.BULL_PUT_CREDIT,
        K.SHORT_PUT,
        K.CASH_SECURED_PUT,
        K.CALL_RATIO_SPREAD,
        K.COVERED_CALL,
        K.JADE_LIZARD,
    }
)
BEARISH_KINDS = frozenset(
    {K.LONG_PUT, K.BEAR_PUT_DEBIT, K.BEAR_CALL_CREDIT, K.SHORT_CALL, K.PUT_RATIO_SPREAD}
)


class Severity(StrEnum):
    """How hard a finding stops the trade: block (needs an override), warn, note."""

    BLOCK = "block"
    WARN = "warn"
    NOTE = "note"


class Bias(StrEnum):
    """Which way a structure wants the underlying to go."""

    BULLISH = "bullish"
    BEARISH = "bearish"
    NEUTRAL = "neutral"


def bias_of(kind: StrategyKind) -> Bias:
    """Return the directional bias of structure ``kind``."""
    if kind in BULLISH_KINDS:
        return Bias.BULLISH
    if kind in BEARISH_KINDS:
        return Bias.BEARISH
    return Bias.NEUTRAL


@dataclass(frozen=True, slots=True)
class GuardrailPolicy:
    """The trader's event-risk rules.

    ``blocked`` structures are blocked when a counted macro release
    (``macro_kinds``) or the underlying's own earnings fall inside the trade
    window; ``warned`` ones get a warning; ``long_premium`` ones an IV-crush
    warning for earnings and a note for macro releases. Structures in none of
    the sets (custom) are warned about. ``block_on_earnings`` False turns
    earnings blocks into warnings; ``tentative_blocks`` False does the same for
    events whose date is only tentative. Macro quiet mode runs from the start
    of the session ``quiet_sessions_before`` sessions ahead of the event's
    session to the close of the session ``quiet_sessions_after`` after it.
    """

    blocked: frozenset[StrategyKind] = SHORT_PREMIUM_KINDS
    warned: frozenset[StrategyKind] = DEFINED_NEUTRAL_KINDS | COVERED_KINDS
    long_premium: frozenset[StrategyKind] = LONG_PREMIUM_KINDS
    macro_kinds: frozenset[EventKind] = MACRO_KINDS
    block_on_earnings: bool = True
    tentative_blocks: bool = True
    quiet_sessions_before: int = 1
    quiet_sessions_after: int = 0

    def __post_init__(self) -> None:
        if EventKind.EARNINGS in self.macro_kinds:
            raise ValueError(
                "macro_kinds: earnings are matched to the underlying, not counted as macro; "
                "use block_on_earnings"
            )
        _refuse_overlap(self.blocked, self.warned, "blocked", "warned")
        _refuse_overlap(self.blocked, self.long_premium, "blocked", "long_premium")
        _refuse_overlap(self.warned, self.long_premium, "warned", "long_premium")
        for name in ("quiet_sessions_before", "quiet_sessions_after"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name}: {value!r} must be a whole number of sessions >= 0")


def _refuse_overlap(
    first: frozenset[StrategyKind], second: frozenset[StrategyKind], a: str, b: str
) -> None:
    both = sorted(first & second)
    if both:
        raise ValueError(f"{a} and {b} both list {', '.join(both)}; put each structure in one")


DEFAULT_POLICY = GuardrailPolicy()
