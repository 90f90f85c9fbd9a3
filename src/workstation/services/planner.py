"""Plan a trade: analysed chain + events + trend evidence → the planner's ranked candidates.

The chain is analysed twice: once for every expiration's summary (to know
which expirations the plan needs), then with those expirations in detail.
The planner itself (pure numpy/scipy) runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from workstation.domain.event_calendar import CalendarEvent
from workstation.domain.occ import OptionRight
from workstation.engines.guardrails import DEFAULT_POLICY, GuardrailPolicy
from workstation.engines.planner import (
    Bias,
    PlannerRules,
    PlanningMarket,
    TradePlan,
    contract_plan,
    expirations_needed,
    plan_trade,
)
from workstation.engines.sessions import EXCHANGE_TZ, TradingCalendar
from workstation.services.blocking import BlockingRunner
from workstation.services.chain_service import ChainService
from workstation.services.chain_view import ChainView
from workstation.services.event_calendar import EventCalendarService
from workstation.services.planning_market import planning_market, trend_evidence
from workstation.storage.bars import BarStore

EVENT_MARGIN_DAYS = 60  # events are read this far past the DTE window (calendars' far legs)
WORKBENCH_DAYS = 120  # a workbench details every expiration this close


@dataclass(frozen=True, slots=True)
class Workbench:
    """What editing a trade needs: the quoted market, the events, and read problems."""

    market: PlanningMarket
    events: tuple[CalendarEvent, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A plan, the market it was made on, and what could not be read (shown as notes)."""

    plan: TradePlan
    bench: Workbench

    @property
    def notes(self) -> tuple[str, ...]:
        """Problems met while reading inputs (e.g. earnings dates unavailable)."""
        return self.bench.notes


class PlannerService:
    """Builds trade plans from live chains, the event calendar and stored bars."""

    def __init__(
        self,
        chains: ChainService,
        events: EventCalendarService,
        bars: BarStore,
        calendar: TradingCalendar,
        run: BlockingRunner,
        rules: PlannerRules | None = None,
        policy: GuardrailPolicy = DEFAULT_POLICY,
    ) -> None:
        self._chains = chains
        self._events = events
        self._bars = bars
        self._calendar = calendar
        self._run = run
        self.rules = rules or PlannerRules()
        self.policy = policy

    async def plan(self, symbol: str, bias: Bias, dte: int) -> PlanResult:
        """Return ranked candidates for ``bias`` on ``symbol`` over about ``dte`` days."""
        if dte < 0:
            raise ValueError(f"DTE must be 0 or more calendar days, got {dte}")
        overview = await self._chains.chain_view(symbol)
        today = overview.as_of.astimezone(EXCHANGE_TZ).date()
        horizon = today + timedelta(days=int(self.rules.dte_window(dte)[1]) + EVENT_MARGIN_DAYS)
        events, problem = await self._events.events_for(overview.underlying, today, horizon)
        listed = [(e.expiry, e.days) for e in overview.expiries]
        needed = expirations_needed(
            listed,
            overview.underlying,
            overview.as_of,
            dte,
            self.rules,
            events,
            self.policy,
            self._calendar,
        )
        view = (
            await self._chains.chain_view(symbol, needed[0], also=needed[1:])
            if needed
            else overview
        )
        bench = await self._bench(view, events, problem)
        plan = await asyncio.to_thread(
            plan_trade, bench.market, bias, dte, self.rules, events, self.policy
        )
        return PlanResult(plan, bench)

    async def workbench(self, symbol: str, expiries: Collection[date] = ()) -> Workbench:
        """Return the market with ``expiries`` (default: every one within 120 days) in detail."""
        overview = await self._chains.chain_view(symbol)
        wanted = set(expiries) or {e.expiry for e in overview.expiries if e.days <= WORKBENCH_DAYS}
        days = sorted(wanted & {e.expiry for e in overview.expiries})
        if not days:
            raise ValueError(f"{overview.underlying}: none of {sorted(wanted)} is listed")
        view = await self._chains.chain_view(symbol, days[0], also=days[1:])
        today = view.as_of.astimezone(EXCHANGE_TZ).date()
        horizon = max(days) + timedelta(days=EVENT_MARGIN_DAYS)
        events, problem = await self._events.events_for(view.underlying, today, horizon)
        return await self._bench(view, events, problem)

    async def open_contract(
        self, symbol: str, expiry: date, strike: float, is_call: bool, vertical: bool
    ) -> PlanResult:
        """A one-trade plan from a chain contract (a long option, or a debit vertical)."""
        bench = await self.workbench(symbol)
        if bench.market.expiry(expiry) is None:  # further out than the workbench's window
            bench = await self.workbench(symbol, [expiry])
        right = OptionRight.CALL if is_call else OptionRight.PUT
        plan = contract_plan(
            bench.market, right, expiry, strike, vertical, self.rules, bench.events, self.policy
        )
        return PlanResult(plan, bench)

    async def _bench(
        self, view: ChainView, events: list[CalendarEvent], problem: str | None
    ) -> Workbench:
        """The planner's market for an analysed chain, with trend evidence from stored bars."""
        trend = await self._run(
            trend_evidence, self._bars, self._calendar, view.underlying, view.spot, view.as_of
        )
        market = planning_market(view, self._calendar, trend)
        return Workbench(market, tuple(events), () if problem is None else (problem,))
