"""What an alert's stored context says, in words and as actions (no Qt).

An alert's ``context`` is JSON written by the rule that raised it. Structure
alerts carry the bar (``bar_ts``, epoch seconds of the bar's open, and
``timeframe``) and may carry a suggested ``setup`` (``strategy``, ``bias``
bull/bear/neutral, ``reasons``); other sources carry their own numbers. This
module reads those keys defensively: a context written by an older version
still describes itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from workstation.domain.alerts import Alert

EASTERN = ZoneInfo("America/New_York")
PLAN_DTE = 30  # days to expiry a plan opened from an alert starts at
_BIASES = {"bull": "bull", "bullish": "bull", "bear": "bear", "bearish": "bear",
           "neutral": "neutral"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ChartTarget:
    """Where a chart opens for an alert: the ticker and the bar (epoch seconds, UTC)."""

    symbol: str
    bar_ts: int
    timeframe: str = "1m"


def fired_text(alert: Alert) -> str:
    """The time an alert fired, in exchange time (``Nov 23 10:41:05``)."""
    return alert.fired_at.astimezone(EASTERN).strftime("%b %d %H:%M:%S")


def setup_of(alert: Alert) -> Mapping[str, Any]:
    """The suggested setup in an alert's context, or an empty mapping."""
    setup = alert.context.get("setup")
    return setup if isinstance(setup, Mapping) else {}


def setup_text(alert: Alert) -> str:
    """The suggested setup's short name (``bull call spread``), or empty."""
    return str(setup_of(alert).get("strategy", ""))


def chart_target(alert: Alert) -> ChartTarget | None:
    """The chart and bar an alert points at, when it names a bar."""
    bar_ts = alert.context.get("bar_ts")
    if not alert.symbol or not isinstance(bar_ts, int | float):
        return None
    return ChartTarget(alert.symbol, int(bar_ts), str(alert.context.get("timeframe", "1m")))


def plan_line(alert: Alert, dte: int = PLAN_DTE) -> str | None:
    """The ``/plan`` command for an alert's suggested setup, when it has one with a bias."""
    bias = _BIASES.get(str(setup_of(alert).get("bias", "")).lower())
    if not alert.symbol or bias is None:
        return None
    return f"/plan {alert.symbol} {bias} {dte}"


def detail_html(alert: Alert) -> str:
    """The alert's full story as simple HTML: what fired, where, and the setup's reasons."""
    parts = [f"<b>{_escape(alert.title)}</b>", _escape(alert.body)]
    bar_ts = alert.context.get("bar_ts")
    if isinstance(bar_ts, int | float):
        when = datetime.fromtimestamp(int(bar_ts), UTC).astimezone(EASTERN)
        frame = alert.context.get("timeframe", "1m")
        parts.append(f"Bar: {when:%a %b %d %H:%M} ET ({_escape(str(frame))})")
    setup = setup_of(alert)
    if setup:
        parts.append(f"Suggested setup: <b>{_escape(str(setup.get('strategy', '')))}</b>")
        reasons = setup.get("reasons") or ()
        if isinstance(reasons, list | tuple) and reasons:
            items = "".join(f"<li>{_escape(str(r))}</li>" for r in reasons)
            parts.append(f"<ul>{items}</ul>")
    status = "not yet seen" if alert.acknowledged_at is None else "seen"
    parts.append(f"<i>{_escape(alert.source)} · {fired_text(alert)} ET · {status}</i>")
    return "<br>".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
