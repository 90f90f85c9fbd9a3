"""How a planned trade reads in a table, shared by /plan and the planner panel.

Light on purpose (no numerical imports): the panel loads it before the
window's first paint. Dollars are whole dollars for the position; prices
are per share, with "cr" for a credit and "db" for a debit.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workstation.engines.planner import Candidate

UNLIMITED = "unlimited"
CANDIDATE_HEADERS = (
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


def money(value: float) -> str:
    """Whole dollars with separators; "unlimited" for infinity."""
    return UNLIMITED if math.isinf(value) else f"{value:,.0f}"


def dollars(value: float) -> str:
    """Like ``money`` with a dollar sign: ``$1,344`` (or "unlimited")."""
    return UNLIMITED if math.isinf(value) else f"${value:,.0f}"


def net_price(mid: float) -> str:
    """Net price per share as traders say it: ``1.32 cr`` or ``2.45 db``."""
    return f"{abs(mid):.2f} {'cr' if mid < 0 else 'db'}"


def guardrail_status(c: Candidate) -> str:
    """BLOCKED, warn, note or clear (marked when the trade is a defensive alternative)."""
    if c.blocked:
        return "BLOCKED"
    severities = {f.severity.value for f in c.verdict.findings}
    status = "warn" if "warn" in severities else ("note" if severities else "clear")
    return f"{status} · defensive" if c.defensive else status


def candidate_cells(rank: int, c: Candidate) -> tuple[str, ...]:
    """One row under CANDIDATE_HEADERS."""
    m = c.metrics
    return (
        str(rank),
        c.label,
        net_price(c.mid),
        money(m.profile.max_profit),
        money(m.profile.max_loss),
        " / ".join(f"{b:,.2f}" for b in m.profile.breakevens) or "—",
        f"{m.pop:.0%}",
        f"{m.expected_value:+,.0f}",
        f"{c.score.total:.0f}",
        guardrail_status(c),
    )
