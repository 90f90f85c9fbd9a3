"""The "Why" tab: every rule the planner applied, in order, as HTML."""

from __future__ import annotations

import html

from workstation.engines.planner import Candidate, TradePlan


def _items(lines: list[str] | tuple[str, ...]) -> str:
    return "".join(f"<li>{html.escape(line)}</li>" for line in lines)


def why_html(plan: TradePlan, candidate: Candidate, notes: tuple[str, ...] = ()) -> str:
    """Return the decision, the trade's reasons, score, guardrails and what was set aside."""
    m = candidate.metrics
    verdict = candidate.verdict
    parts = [
        f"<h3>{html.escape(candidate.label)}</h3>",
        "<b>Decision</b><ul>" + _items(plan.decision.reasons) + "</ul>",
        "<b>This trade</b><ul>" + _items(candidate.notes) + "</ul>",
        "<b>Score</b><ul>" + _items([candidate.score.explain(plan.rules.weights)]) + "</ul>",
        "<b>Buying power</b><ul>"
        + _items([f"${m.buying_power.amount:,.0f} — estimate: {m.buying_power.method}"])
        + "</ul>",
    ]
    findings = [f"{f.severity.value}: {f.message}" for f in verdict.findings]
    alternatives = [
        f"{a.kind.value}: {a.strategy.value} — {a.reason}" for a in verdict.alternatives
    ]
    parts.append("<b>Guardrails</b><ul>" + _items(findings or ["no event in the window"]) + "</ul>")
    if alternatives:
        parts.append("<b>Defensive alternatives</b><ul>" + _items(alternatives) + "</ul>")
    if plan.quiet is not None:
        parts.append(
            "<b>Macro quiet</b><ul>"
            + _items([f"{plan.quiet.event.title}: no new short premium in this window"])
            + "</ul>"
        )
    rejected = [f"{r.structure} — {r.reason}" for r in plan.rejected]
    if rejected:
        parts.append("<b>Set aside</b><ul>" + _items(rejected) + "</ul>")
    if notes:
        parts.append("<b>Notes</b><ul>" + _items(notes) + "</ul>")
    return "".join(parts)
