"""The planner panel's controller: runs plans, applies edits, saves plans, exports orders.

Plans and workbenches come from the planner service (a worker thread does
the numbers); edits of one trade are quick engine calls made here. Every
failure lands in the panel's status line with what went wrong.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Coroutine
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from workstation.commands.context import CommandContext
from workstation.commands.grammar import CommandError
from workstation.commands.plan_report import account_warnings, size_for
from workstation.commands.plan_text import dollars, net_price
from workstation.domain.strategies import Strategy
from workstation.engines import planner as p
from workstation.engines.guardrails import Severity, event_label
from workstation.engines.planner import Bias, Candidate, TradePlan
from workstation.engines.sizing import PositionSize
from workstation.engines.strategies import payoff_curves
from workstation.reports.orders import FORMATS, export_order, option_roots
from workstation.services.planner import PlanResult, Workbench
from workstation.services.plans import GuardrailBlocked
from workstation.ui.docks.planner.models import CandidatesModel, LegsModel
from workstation.ui.docks.planner.view import PlannerPanel
from workstation.ui.docks.planner.why import why_html

log = logging.getLogger(__name__)
Spawn = Callable[[Coroutine[Any, Any, Any], str], asyncio.Task[Any]]
CENT = Decimal("0.01")

EDITS: dict[str, Callable[[p.PlanningMarket, Strategy, int, int], Strategy]] = {
    # operation -> edit(market, strategy, step, selected leg row)
    "strike": lambda m, s, step, row: p.move_strike(m, s, row, step),
    "width": lambda m, s, step, _row: p.change_width(m, s, step),
    "expiry": lambda m, s, step, _row: p.change_expiry(m, s, step),
    "leg_expiry": lambda m, s, step, row: p.change_expiry(m, s, step, index=row),
    "flip": lambda m, s, _step, row: p.flip(m, s, row),
    "remove": lambda _m, s, _step, row: p.remove_leg(s, row),
}


class PlannerController(QObject):
    """Connects the planner panel to the planner service."""

    def __init__(
        self,
        view: PlannerPanel,
        candidates: CandidatesModel,
        legs: LegsModel,
        context: CommandContext,
        spawn: Spawn,
    ) -> None:
        super().__init__(view)
        self.view, self.candidates, self.legs = view, candidates, legs
        self.context, self.spawn = context, spawn
        self.plan: TradePlan | None = None
        self.bench: Workbench | None = None
        self.current: Candidate | None = None
        self.running: asyncio.Task[Any] | None = None
        self.account_check: asyncio.Task[Any] | None = None
        view.plan_requested.connect(self.request_plan)
        view.candidate_selected.connect(self.select)
        view.edit_requested.connect(self.edit)
        view.leg_typed.connect(self.add_leg)
        view.save_requested.connect(self.save)
        view.order_format_changed.connect(lambda _fmt: self._show_order())
        view.copy_order.connect(self.copy_order)
        view.save_order.connect(self.save_order)

    # ------------------------------------------------------------------ plans
    def request_plan(self, text: str) -> None:
        """Plan from ``SYMBOL BIAS [DTE]`` typed in the panel."""
        try:
            values = self.context.registry.parse(f"/plan {text}").values
        except CommandError as exc:
            self.view.status.setText(str(exc))
            return
        symbol, bias, dte = values["symbol"], Bias(values["bias"]), values["dte"]
        self.view.status.setText(f"Planning {symbol} {bias} {dte}d…")
        self._run(self._plan(symbol, bias, dte), f"plan {symbol}")

    async def _plan(self, symbol: str, bias: Bias, dte: int) -> None:
        planner = self.context.planner
        if planner is None:
            raise RuntimeError("the planner is not available in this workspace")
        self.show_result(await planner.plan(symbol, bias, dte))

    def show_result(self, result: PlanResult) -> None:
        """Show a plan (from the panel, or from /plan in the palette)."""
        plan = result.plan
        self.plan, self.bench = plan, result.bench
        self.view.input.setText(f"{plan.underlying} {plan.bias} {plan.dte}")
        self.view.decision.setText(" · ".join(plan.decision.reasons))
        self.candidates.set_candidates(list(plan.candidates))
        shown, aside = len(plan.candidates), len(plan.rejected)
        self.view.status.setText(
            f"{plan.underlying} {plan.spot:,.2f}: {shown} candidates, {aside} set aside"
        )
        if plan.candidates:
            self.view.select_candidate(0)
            self.show_trade(plan.candidates[0])
        else:
            self.show_trade(None)

    def select(self, row: int) -> None:
        """Show candidate ``row``."""
        if self.plan is not None and 0 <= row < len(self.candidates.candidates):
            self.show_trade(self.candidates.candidates[row])

    # ------------------------------------------------------------------ the trade
    def show_trade(self, candidate: Candidate | None) -> None:
        """Fill legs, chart, numbers, guardrails, size, reasons and order for ``candidate``."""
        self.current = candidate
        self.legs.set_strategy(None if candidate is None else candidate.strategy)
        if candidate is None or self.bench is None:
            self.view.chart.set_curves(None)
            self.view.numbers.setText("")
            return
        market = self.bench.market
        front = market.expiry(candidate.expiry)
        context = market.context(front) if front is not None else None
        self.view.chart.set_curves(
            None if context is None else payoff_curves(candidate.strategy, context)
        )
        self.view.numbers.setText(_numbers(candidate))
        self._show_guard(candidate)
        self._check_accounts(candidate)
        size = size_for(candidate, self.context.settings)
        self.view.sizing.setText("" if size is None else _size_line(size))
        self.view.sizing.setToolTip("" if size is None else "\n".join(size.arithmetic))
        if size is not None and size.contracts > 0:
            self.view.guard.quantity.setValue(size.contracts)
        if self.plan is not None:
            self.view.why.setHtml(why_html(self.plan, candidate, self.bench.notes))
        self._show_order()

    def _show_guard(self, candidate: Candidate) -> None:
        findings = candidate.verdict.findings
        serious = [f for f in findings if f.severity is not Severity.NOTE]
        lines = [
            f"<b>{f.severity.value.upper()}</b> {html.escape(event_label(f.event))}"
            for f in serious
        ]
        notes = len(findings) - len(serious)
        if notes:  # notes (long premium through a release) stay short here; Why lists them
            lines.append(f"{notes} release{'s' if notes > 1 else ''} in the window (see Why)")
        lines = lines or ["Guardrails clear: no event in the window."]
        box = self.view.guard
        box.message.setText("<br>".join(lines))
        box.message.setToolTip("\n\n".join(f.message for f in findings))
        box.reason.setVisible(candidate.blocked)
        box.save.setText("Override and save  Ctrl+S" if candidate.blocked else "Save plan  Ctrl+S")

    def _check_accounts(self, candidate: Candidate) -> None:
        """Add account-rule warnings (day trades, unsettled cash) to the guardrail box."""
        if self.context.risk is None:
            return
        if self.account_check is not None and not self.account_check.done():
            self.account_check.cancel()
        self.account_check = self.spawn(self._account_lines(candidate), "planner: account check")

    async def _account_lines(self, candidate: Candidate) -> None:
        warnings = await account_warnings(self.context, candidate)
        if self.current is not candidate or not warnings:
            return
        box = self.view.guard.message
        lines = [f"<b>ACCOUNT</b> {html.escape(w)}" for w in warnings]
        box.setText("<br>".join([box.text(), *lines]))
        box.setToolTip("\n\n".join([box.toolTip(), *warnings]).strip())

    def edit(self, operation: str, step: int, row: int) -> None:
        """Apply a keyboard edit to the trade and re-assess it."""
        if self.current is None or self.bench is None or self.plan is None:
            return
        try:
            edited = EDITS[operation](self.bench.market, self.current.strategy, step, row)
        except (p.EditError, ValueError) as exc:
            self.view.status.setText(str(exc))
            return
        self._assess(edited, f"edited by you ({operation})")
        self.view.select_leg(min(row, len(edited.legs) - 1))

    def add_leg(self, text: str) -> None:
        """Add a typed leg to the trade."""
        if self.current is None or self.bench is None:
            self.view.status.setText("Plan a trade or open a contract from the chain first")
            return
        try:
            edited = p.add_leg(self.bench.market, self.current.strategy, text, self.current.expiry)
        except (p.EditError, ValueError) as exc:
            self.view.status.setText(str(exc))
            return
        self.view.add_leg.clear()
        self._assess(edited, f"leg added by you ({text})")
        self.view.legs.setFocus()

    def _assess(self, strategy: Strategy, note: str) -> None:
        planner, bench, plan = self.context.planner, self.bench, self.plan
        if planner is None or bench is None or plan is None:
            return
        draft = p.draft_of(strategy, (note,))
        found = p.assess(
            bench.market, draft, planner.rules, plan.decision, bench.events, planner.policy
        )
        if isinstance(found, p.Rejection):
            self.view.status.setText(found.reason)
            return
        self.view.status.setText(f"{found.label}: {net_price(found.mid)}")
        self.show_trade(found)

    # ------------------------------------------------------------------ from the chain
    def open_contract(
        self, symbol: str, expiry: date, strike: float, is_call: bool, vertical: bool
    ) -> None:
        """Open a long option (or a debit vertical one width out) from the chain."""
        self.view.status.setText(
            f"Opening {symbol} {strike:g} {'call' if is_call else 'put'} {expiry}…"
        )
        self._run(self._open(symbol, expiry, strike, is_call, vertical), f"open {symbol}")

    async def _open(
        self, symbol: str, expiry: date, strike: float, is_call: bool, vertical: bool
    ) -> None:
        planner = self.context.planner
        if planner is None:
            raise RuntimeError("the planner is not available in this workspace")
        self.show_result(await planner.open_contract(symbol, expiry, strike, is_call, vertical))

    # ------------------------------------------------------------------ save and export
    def save(self, reason: str, quantity: int) -> None:
        """Save the trade on screen as a plan."""
        if self.plan is None or self.current is None or self.context.plans is None:
            self.view.status.setText("Nothing to save yet")
            return
        self._run(self._save(self.plan, self.current, quantity, reason), "save plan")

    async def _save(
        self, plan: TradePlan, candidate: Candidate, quantity: int, reason: str
    ) -> None:
        assert self.context.plans is not None
        try:
            saved = await self.context.plans.save(plan, candidate, quantity, reason)
        except GuardrailBlocked as exc:
            self.view.status.setText(str(exc))
            self.view.guard.reason.setFocus()
            return
        how = " (guardrail overridden)" if saved.guardrail.override_reason else ""
        self.view.status.setText(
            f"Saved plan #{saved.id}: {candidate.label} × {saved.quantity}{how}"
        )
        self.view.guard.reason.clear()

    def order_text(self, fmt: str) -> str:
        """The order of the trade on screen in ``fmt`` (raises ValueError when it cannot be)."""
        if self.current is None:
            raise ValueError("no trade to export")
        strategy = self.current.strategy
        limit = Decimal(str(abs(self.current.mid))).quantize(CENT, rounding=ROUND_HALF_UP)
        roots = option_roots(strategy, self.context.calendar)
        quantity = self.view.guard.quantity.value()
        if fmt not in FORMATS:
            raise ValueError(f"unknown order format {fmt!r}")
        chosen = next(f for f in FORMATS if f == fmt)
        return export_order(strategy, roots, max(limit, CENT), chosen, quantity=quantity)

    def _show_order(self) -> None:
        try:
            text = self.order_text(self.view.order_format())
        except ValueError as exc:
            text = f"This trade cannot be written as an order: {exc}"
        self.view.order.preview.setPlainText(text)

    def copy_order(self, fmt: str) -> None:
        """Put the order on the clipboard."""
        try:
            QGuiApplication.clipboard().setText(self.order_text(fmt))
        except ValueError as exc:
            self.view.status.setText(str(exc))
            return
        self.view.status.setText(f"Copied the {fmt} order to the clipboard (not sent)")

    def save_order(self, fmt: str) -> None:
        """Ask where to save the order, then write it."""
        suffix = "txt" if fmt == "ticket" else "json"
        dialog = QFileDialog(self.view, "Save order", f"order-{fmt}.{suffix}")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(lambda path: self.write_order(fmt, Path(path)))
        dialog.open()

    def write_order(self, fmt: str, path: Path) -> None:
        """Write the order to ``path`` (whole file at once)."""
        try:
            text = self.order_text(fmt)
            temporary = path.with_suffix(path.suffix + ".part")
            temporary.write_text(text + "\n", encoding="utf-8")
            temporary.replace(path)
        except (OSError, ValueError) as exc:
            self.view.status.setText(f"Could not save the order to {path}: {exc}")
            return
        self.view.status.setText(f"Saved the {fmt} order to {path} (not sent)")

    # ------------------------------------------------------------------ tasks
    def _run(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        if self.running is not None and not self.running.done():
            self.running.cancel()
        self.running = self.spawn(coro, f"planner: {name}")
        self.running.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.view.status.setText(str(exc) or type(exc).__name__)


def _size_line(size: PositionSize) -> str:
    """One line: contracts, budget and the binding limit (the full arithmetic is the tooltip)."""
    noun = "contract" if size.contracts == 1 else "contracts"
    budget = f"risk budget ${size.risk_budget:,.0f} of ${size.account_value:,.0f}"
    per = f"max loss ${size.max_loss_per_contract:,.0f} per contract"
    cap = f"; capped by {size.binding_cap.value}" if size.binding_cap else ""
    return f"Size: {size.contracts} {noun} — {budget}, {per}{cap}"


def _numbers(c: Candidate) -> str:
    m = c.metrics
    g = m.greeks
    be = " / ".join(f"{b:,.2f}" for b in m.profile.breakevens) or "none"
    return (
        f"Net {net_price(c.mid)} (natural {net_price(c.natural)}) · max profit "
        f"{dollars(m.profile.max_profit)} · max loss {dollars(m.profile.max_loss)} · BE {be} · "
        f"POP {m.pop:.0%} (Δ proxy {m.pop_delta_proxy:.0%}) · EV {m.expected_value:+,.0f} · "
        f"Δ {g.delta:+.1f} sh · Θ {g.theta:+.2f}/day · vega {g.vega:+.2f} · "
        f"buying power {dollars(m.buying_power.amount)} (est.)"
    )
