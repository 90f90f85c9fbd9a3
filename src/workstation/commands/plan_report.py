"""How a trade plan reads: text lines and a table for people, a JSON payload for scripts.

Dollars for the whole position unless said; prices dollars per share;
probabilities 0-1 in JSON and percent in text; an unlimited amount is the
string "unlimited" in JSON.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from workstation.commands.result import Table
from workstation.domain.strategies import OptionLeg, StockLeg, strike_text
from workstation.engines.planner import Candidate, TradePlan
from workstation.engines.planner.scoring import risk_of
from workstation.engines.sessions import TradingCalendar
from workstation.engines.sizing import PositionSize
from workstation.reports.orders import option_roots

UNLIMITED = "unlimited"


def money(value: float) -> str:
    """Dollars with separators; "unlimited" for infinity."""
    return UNLIMITED if math.isinf(value) else f"${value:,.0f}"


def number(value: float) -> float | str | None:
    """A JSON-safe number: "unlimited" for infinity, None for NaN."""
    if math.isinf(value):
        return UNLIMITED if value > 0 else f"-{UNLIMITED}"
    return None if math.isnan(value) else value


def price_text(mid: float) -> str:
    """Net price per share as traders say it: ``1.32 cr`` or ``2.45 db``."""
    return f"{abs(mid):.2f} {'cr' if mid < 0 else 'db'}"


def candidates_table(plan: TradePlan, top: int) -> Table:
    """The ranked candidates, one row each."""
    rows = []
    for rank, c in enumerate(plan.candidates[:top], start=1):
        m = c.metrics
        rows.append(
            (
                str(rank),
                c.label,
                price_text(c.mid),
                money(m.profile.max_profit),
                money(m.profile.max_loss),
                " / ".join(f"{b:,.2f}" for b in m.profile.breakevens) or "—",
                f"{m.pop:.0%}",
                f"{m.expected_value:+,.0f}",
                f"{c.score.total:.0f}",
                _status(c),
            )
        )
    headers = (
        "#",
        "Trade",
        "Mid/sh",
        "Max profit $",
        "Max loss $",
        "Breakeven",
        "POP",
        "EV $",
        "Score",
        "Guardrails",
    )
    return Table(headers, tuple(rows))


def _status(c: Candidate) -> str:
    if c.blocked:
        return "BLOCKED"
    severities = {f.severity.value for f in c.verdict.findings}
    status = "warn" if "warn" in severities else ("note" if severities else "clear")
    return f"{status} (defensive)" if c.defensive else status


def recommendation_lines(plan: TradePlan, size: PositionSize | None) -> list[str]:
    """The recommended trade with its reasons, guardrail messages and size."""
    best = plan.recommended
    if best is None:
        return ["No trade passes the guardrails; blocked trades need an override reason."]
    m = best.metrics
    lines = [
        f"Recommended: {best.label} at {price_text(best.mid)} "
        f"(natural {price_text(best.natural)}), max profit {money(m.profile.max_profit)}, "
        f"max loss {money(m.profile.max_loss)}, POP {m.pop:.0%} "
        f"(delta proxy {m.pop_delta_proxy:.0%})",
        *(f"  because {note}" for note in best.notes),
        f"  {best.score.explain(plan.rules.weights)}",
        f"  buying power {money(m.buying_power.amount)} (estimate: {m.buying_power.method})",
    ]
    lines += [f"  {f.severity.value}: {f.message}" for f in best.verdict.findings]
    if size is not None:
        noun = "contract" if size.contracts == 1 else "contracts"
        lines.append(f"  size: {size.contracts} {noun} — " + "; ".join(size.arithmetic))
    return lines


def candidate_data(rank: int, c: Candidate, calendar: TradingCalendar) -> dict[str, Any]:
    """One candidate as JSON: legs, prices, numbers, score and guardrails."""
    m = c.metrics
    roots = option_roots(c.strategy, calendar)
    return {
        "rank": rank,
        "structure": c.strategy.kind.value,
        "label": c.label,
        "family": c.family.value,
        "expiry": c.expiry,
        "defensive": c.defensive,
        "legs": [_leg_data(leg, roots) for leg in c.strategy.legs],
        "mid": c.mid,
        "natural": c.natural,
        "net_premium": m.net_premium,
        "width": number(c.width),
        "breakevens": list(m.profile.breakevens),
        "max_profit": number(m.profile.max_profit),
        "max_loss": number(m.profile.max_loss),
        "risk": number(risk_of(m)),
        "pop": m.pop,
        "pop_delta_proxy": m.pop_delta_proxy,
        "expected_value": m.expected_value,
        "touch": [{"level": t.level, "probability": t.probability} for t in m.touches],
        "greeks": {
            "delta_shares": m.greeks.delta,
            "gamma": m.greeks.gamma,
            "theta_per_day": m.greeks.theta,
            "vega_per_point": m.greeks.vega,
        },
        "buying_power": m.buying_power.amount,
        "buying_power_method": m.buying_power.method,
        "score": c.score.total,
        "score_terms": c.score.terms,
        "notes": list(c.notes),
        "guardrails": {
            "blocked": c.blocked,
            "findings": [
                {"severity": f.severity.value, "event": f.event.id, "message": f.message}
                for f in c.verdict.findings
            ],
            "alternatives": [
                {"kind": a.kind.value, "structure": a.strategy.value, "expiry": a.expiry,
                 "reason": a.reason}
                for a in c.verdict.alternatives
            ],
        },
    }  # fmt: skip


def _leg_data(leg: OptionLeg | StockLeg, roots: dict[date, str]) -> dict[str, Any]:
    if isinstance(leg, StockLeg):
        return {"type": "stock", "quantity": leg.quantity, "price": leg.price}
    return {
        "type": "option",
        "action": "buy" if leg.is_long else "sell",
        "right": "call" if leg.is_call else "put",
        "strike": strike_text(leg.strike),
        "expiry": leg.expiry,
        "quantity": leg.quantity,
        "price": leg.price,
        "iv": leg.iv,
        "occ": str(leg.occ(roots[leg.expiry])),
    }


def plan_data(
    plan: TradePlan, top: int, calendar: TradingCalendar, notes: tuple[str, ...]
) -> dict[str, Any]:
    """The whole plan as JSON."""
    best = plan.recommended
    return {
        "open_panel": "planner",
        "symbol": plan.underlying,
        "bias": plan.bias.value,
        "dte": plan.dte,
        "as_of": plan.as_of,
        "spot": plan.spot,
        "decision": list(plan.decision.reasons),
        "recommended": None if best is None else plan.candidates.index(best) + 1,
        "candidates": [
            candidate_data(i, c, calendar) for i, c in enumerate(plan.candidates[:top], start=1)
        ],
        "rejected": [{"structure": r.structure, "reason": r.reason} for r in plan.rejected],
        "events": [
            {"id": e.id, "kind": e.kind.value, "title": e.title, "at": e.at,
             "first_day": e.first_day,
             "status": e.status.value, "source": e.source}
            for e in plan.events
        ],
        "macro_quiet": None
        if plan.quiet is None
        else {"event": plan.quiet.event.id, "from": plan.quiet.starts, "until": plan.quiet.ends},
        "notes": list(notes),
    }  # fmt: skip
