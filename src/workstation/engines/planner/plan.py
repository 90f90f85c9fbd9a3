"""The planner: candidate trades for a bias and horizon, ranked, with reasons and guardrails.

``plan_trade`` decides which structures to consider from the IV regime and
the trader's bias (plus trend evidence where it exists), builds them on the
expirations inside the DTE window, drops the illiquid or under-paid ones
with the reason, prices and analyses the rest, checks each against the event
calendar, and ranks them by the stated score. Blocked candidates stay in the
list (after the allowed ones) so the trader can override with a reason;
defensive alternatives (an expiration that settles before the event, an iron
condor) are built when something is blocked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.occ import OptionRight
from workstation.domain.strategies import Strategy, StrategyKind, strike_text
from workstation.engines.guardrails import (
    DEFAULT_POLICY,
    AlternativeKind,
    GuardrailPolicy,
    GuardrailVerdict,
    QuietWindow,
    check_trade,
    concerns,
    events_in_window,
    macro_quiet,
)
from workstation.engines.planner import candidates as build
from workstation.engines.planner.candidates import Draft, Family, Rejection, draft_of
from workstation.engines.planner.decision import Decision, decide
from workstation.engines.planner.liquidity import liquidity_problem, liquidity_score, trade_prices
from workstation.engines.planner.market import Bias, ExpiryQuotes, PlanningMarket
from workstation.engines.planner.rules import PlannerRules
from workstation.engines.planner.scoring import Score, score
from workstation.engines.pricing.expiry import expiry_instant
from workstation.engines.sessions import TradingCalendar
from workstation.engines.strategies import StrategyMetrics, analyze, templates


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed trade: the priced strategy, its numbers, score, reasons and guardrails.

    ``mid`` and ``natural`` are the net price per unit in dollars per share
    (positive debit, negative credit); ``defensive`` marks a trade built as a
    guardrail alternative.
    """

    strategy: Strategy
    family: Family
    metrics: StrategyMetrics
    score: Score
    notes: tuple[str, ...]
    mid: float
    natural: float
    width: float
    verdict: GuardrailVerdict
    defensive: bool = False

    @property
    def blocked(self) -> bool:
        """True when a guardrail blocks the trade (an override needs a reason)."""
        return self.verdict.blocked

    @property
    def expiry(self) -> date:
        """The front expiration."""
        front = self.strategy.front_expiry
        assert front is not None  # planner candidates always have option legs
        return front

    @property
    def label(self) -> str:
        """Short name, e.g. ``bull put credit spread 480/475 Dec 18``."""
        legs = self.strategy.option_legs
        strikes = "/".join(strike_text(leg.strike) for leg in legs)
        days = [f"{day:%b %d}" for day in sorted({leg.expiry for leg in legs})]
        return f"{self.strategy.kind} {strikes} {'/'.join(days)}"


@dataclass(frozen=True, slots=True)
class TradePlan:
    """The planner's answer for one underlying, bias and horizon."""

    underlying: str
    bias: Bias
    dte: int
    as_of: datetime
    spot: float
    decision: Decision
    candidates: tuple[Candidate, ...]
    rejected: tuple[Rejection, ...]
    events: tuple[CalendarEvent, ...]
    quiet: QuietWindow | None
    rules: PlannerRules = field(repr=False)

    @property
    def recommended(self) -> Candidate | None:
        """The best candidate no guardrail blocks (None when every one is blocked)."""
        return next((c for c in self.candidates if not c.blocked), None)


def plan_trade(
    market: PlanningMarket,
    bias: Bias,
    dte: int,
    rules: PlannerRules | None = None,
    events: Iterable[CalendarEvent] = (),
    policy: GuardrailPolicy = DEFAULT_POLICY,
) -> TradePlan:
    """Return ranked candidates for ``bias`` over about ``dte`` calendar days."""
    rules = rules or PlannerRules()
    events = tuple(events)
    primary = primary_expirations(market.expiries, dte, rules)
    decision = decide(market, bias, dte, rules, primary)
    context = _Context(market, bias, rules, decision, events, policy)
    drafts = [(d, False) for e in primary for d in _structures(market, e, bias, rules)]
    found, rejected = context.evaluate(drafts)
    defensive = list(context.defensive_drafts(found, primary))
    more, more_rejected = context.evaluate(defensive)
    ranked = sorted(found + more, key=lambda c: (c.blocked, -c.score.total))
    window_end = max((c.verdict.window_end for c in ranked), default=market.as_of)
    return TradePlan(
        market.underlying,
        bias,
        dte,
        market.as_of,
        market.spot,
        decision,
        tuple(ranked),
        tuple(rejected + more_rejected),
        tuple(
            e
            for e in events_in_window(events, market.as_of, window_end)
            if concerns(e, market.underlying, policy)
        ),
        macro_quiet(market.as_of, events, market.calendar, policy),
        rules,
    )


def primary_expirations(
    expiries: Sequence[ExpiryQuotes], dte: int, rules: PlannerRules
) -> list[ExpiryQuotes]:
    """Return up to ``rules.expirations`` expirations inside the DTE window, nearest first.

    When none is inside, the single expiration nearest the target.
    """
    lo, hi = rules.dte_window(dte)
    inside = [e for e in expiries if lo <= e.days <= hi and e.strikes.size]
    pool = inside or [e for e in expiries if e.strikes.size]
    pool.sort(key=lambda e: abs(e.days - dte))
    return pool[: rules.expirations if inside else 1]


def expirations_needed(
    listed: Sequence[tuple[date, float]],
    market_underlying: str,
    as_of: datetime,
    dte: int,
    rules: PlannerRules,
    events: Iterable[CalendarEvent],
    policy: GuardrailPolicy,
    calendar: TradingCalendar,
) -> list[date]:
    """Return the expirations to analyse in detail: the window's, a calendar's far leg,
    and the one that settles before the first blocking event (``listed``: (date, days))."""
    lo, hi = rules.dte_window(dte)
    by_distance = sorted(listed, key=lambda x: abs(x[1] - dte))
    inside = [d for d, days in by_distance if lo <= days <= hi]
    primary = inside[: rules.expirations] or [d for d, _ in by_distance[:1]]
    if not primary:
        return []
    wanted = set(primary)
    later = [d for d, _ in listed if (d - min(primary)).days >= rules.calendar_gap_days]
    wanted.update(later[:1])
    wanted.update(
        _defensive_expiry(listed, market_underlying, as_of, primary, events, policy, calendar)
    )
    return sorted(wanted)


def _defensive_expiry(
    listed: Sequence[tuple[date, float]],
    underlying: str,
    as_of: datetime,
    primary: list[date],
    events: Iterable[CalendarEvent],
    policy: GuardrailPolicy,
    calendar: TradingCalendar,
) -> list[date]:
    """Return the expiration the guardrails would suggest instead of a blocked credit trade."""
    end = expiry_instant(underlying, max(primary), calendar)
    verdict = check_trade(
        StrategyKind.BULL_PUT_CREDIT,
        as_of,
        end,
        events,
        policy,
        underlying=underlying,
        expirations=[d for d, _ in listed],
        calendar=calendar,
    )
    return [a.expiry for a in verdict.alternatives if a.expiry is not None]


def assess(
    market: PlanningMarket,
    draft: Draft,
    rules: PlannerRules,
    decision: Decision,
    events: Iterable[CalendarEvent] = (),
    policy: GuardrailPolicy = DEFAULT_POLICY,
    defensive: bool = False,
) -> Candidate | Rejection:
    """Price, analyse, score and guard one trade (a planner draft or a trader's edit)."""
    strategy = draft.strategy
    problem = liquidity_problem(market, strategy, rules.liquidity)
    if problem:
        return Rejection(strategy.describe(), f"illiquid: {problem}")
    front = market.expiry(strategy.expiries[0])
    if front is None:
        return Rejection(strategy.describe(), f"{strategy.expiries[0]} is not analysed")
    metrics = analyze(strategy, market.context(front))
    liquidity = liquidity_score(market, strategy, rules.liquidity)
    fit = decision.regime_fit(draft.family)
    ranked = score(metrics, liquidity, fit, decision.trend_fit, rules.weights)
    mid, natural = trade_prices(market, strategy)
    verdict = guard(market, strategy, events, policy)
    return Candidate(
        strategy, draft.family, metrics, ranked, draft.notes, mid, natural, draft.width,
        verdict, defensive,
    )  # fmt: skip


def guard(
    market: PlanningMarket,
    strategy: Strategy,
    events: Iterable[CalendarEvent],
    policy: GuardrailPolicy = DEFAULT_POLICY,
) -> GuardrailVerdict:
    """Check ``strategy`` from now to its last settlement against ``events``."""
    end = expiry_instant(market.underlying, strategy.expiries[-1], market.calendar)
    return check_trade(
        strategy.kind,
        market.as_of,
        max(end, market.as_of),
        events,
        policy,
        underlying=market.underlying,
        expirations=[e.expiry for e in market.expiries],
        calendar=market.calendar,
    )


def contract_plan(
    market: PlanningMarket,
    right: OptionRight,
    expiry: date,
    strike: float,
    vertical: bool,
    rules: PlannerRules,
    events: Iterable[CalendarEvent] = (),
    policy: GuardrailPolicy = DEFAULT_POLICY,
) -> TradePlan:
    """A one-trade plan from a chain contract: the long option, or (``vertical``) a debit
    vertical to the nearest strike at least the widest rule-table width further out.

    Calls read bullish, puts bearish. Raise ValueError saying why the trade cannot be built.
    """
    front = market.expiry(expiry)
    if front is None:
        raise ValueError(f"{expiry} is not an analysed expiration of {market.underlying}")
    strategy = _contract_trade(market, rules, right, front, strike, vertical)
    bias = Bias.BULL if right is OptionRight.CALL else Bias.BEAR
    decision = decide(market, bias, front.dte, rules, [front])
    events = tuple(events)
    found = assess(
        market, draft_of(strategy, ("opened from the chain",)), rules, decision, events, policy
    )
    if isinstance(found, Rejection):
        raise ValueError(found.reason)
    return TradePlan(
        market.underlying, bias, front.dte, market.as_of, market.spot, decision,
        (found,), (), events, None, rules,
    )  # fmt: skip


def _contract_trade(
    market: PlanningMarket,
    rules: PlannerRules,
    right: OptionRight,
    e: ExpiryQuotes,
    strike: float,
    vertical: bool,
) -> Strategy:
    if not vertical:
        return templates.long_option(market.underlying, market.quote, right, e.expiry, strike)
    width = max(rules.widths_for(market.spot))
    outward = 1 if right is OptionRight.CALL else -1
    beyond = [float(k) for k in e.strikes if outward * (k - strike) >= width - 1e-9]
    if not beyond:
        raise ValueError(f"no strike {width:g} or more beyond {strike:g} for a vertical")
    short = min(beyond, key=lambda k: abs(k - strike))
    return templates.vertical(market.underlying, market.quote, right, e.expiry, strike, short)


# ------------------------------------------------------------------ internals
def _structures(
    market: PlanningMarket, e: ExpiryQuotes, bias: Bias, rules: PlannerRules
) -> Iterator[Draft | Rejection]:
    if bias is Bias.NEUTRAL:
        yield from build.iron_condors(market, e, rules)
        yield from build.iron_butterflies(market, e, rules)
        yield from build.butterflies(market, e, rules)
        yield from build.calendars(market, e, rules)
        return
    yield from build.credit_verticals(market, e, bias, rules)
    yield from build.debit_verticals(market, e, bias, rules)
    yield from build.long_options(market, e, bias, rules)


@dataclass(frozen=True, slots=True)
class _Context:
    market: PlanningMarket
    bias: Bias
    rules: PlannerRules
    decision: Decision
    events: tuple[CalendarEvent, ...]
    policy: GuardrailPolicy

    def evaluate(
        self, drafts: Iterable[tuple[Draft | Rejection, bool]]
    ) -> tuple[list[Candidate], list[Rejection]]:
        found: list[Candidate] = []
        rejected: list[Rejection] = []
        seen: set[str] = set()
        for draft, defensive in drafts:
            if isinstance(draft, Rejection):
                rejected.append(draft)
                continue
            key = draft.strategy.describe()
            if key in seen:
                continue
            seen.add(key)
            result = assess(
                self.market, draft, self.rules, self.decision, self.events, self.policy, defensive
            )
            if isinstance(result, Rejection):
                rejected.append(result)
            else:
                found.append(result)
        return found, rejected

    def defensive_drafts(
        self, found: list[Candidate], primary: list[ExpiryQuotes]
    ) -> Iterator[tuple[Draft | Rejection, bool]]:
        """Build the guardrails' alternatives to blocked candidates: an earlier expiration
        that settles before the event, and an iron condor for a directional bias."""
        blocked = [c for c in found if c.blocked]
        if not blocked:
            return
        kinds = {a.kind: a for c in blocked for a in c.verdict.alternatives}
        shorter = kinds.get(AlternativeKind.SHORTER_DTE)
        if shorter is not None and shorter.expiry is not None:
            e = self.market.expiry(shorter.expiry)
            if e is not None and e not in primary:
                for draft in _structures(self.market, e, self.bias, self.rules):
                    yield _with_note(draft, f"defensive: {shorter.reason}"), True
        if AlternativeKind.NEUTRAL in kinds and self.bias is not Bias.NEUTRAL:
            for e in primary:
                for draft in build.iron_condors(self.market, e, self.rules):
                    note = "defensive: neutral, defined risk on both sides of the event"
                    yield _with_note(draft, note), True


def _with_note(draft: Draft | Rejection, note: str) -> Draft | Rejection:
    if isinstance(draft, Rejection):
        return draft
    return Draft(draft.strategy, draft.family, (*draft.notes, note), draft.width)
