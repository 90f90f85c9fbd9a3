"""Event-risk guardrails: macro releases and earnings inside a trade's window.

Pure computation on calendar events and strategy kinds: which events fall in
the window, whether the structure is blocked, warned or noted, defensive
alternatives, the trader's override, and macro quiet mode.
"""

from workstation.engines.guardrails.alternatives import Alternative, AlternativeKind
from workstation.engines.guardrails.decision import (
    DecisionOutcome,
    GuardrailDecision,
    override,
)
from workstation.engines.guardrails.findings import Finding, concerns
from workstation.engines.guardrails.policy import (
    DEFAULT_POLICY,
    Bias,
    GuardrailPolicy,
    Severity,
    bias_of,
)
from workstation.engines.guardrails.quiet import (
    QuietWindow,
    event_session,
    macro_quiet,
    quiet_window,
)
from workstation.engines.guardrails.verdict import GuardrailVerdict, check_trade
from workstation.engines.guardrails.window import (
    et_label,
    event_label,
    events_in_window,
    trade_window,
)

__all__ = [
    "DEFAULT_POLICY",
    "Alternative",
    "AlternativeKind",
    "Bias",
    "DecisionOutcome",
    "Finding",
    "GuardrailDecision",
    "GuardrailPolicy",
    "GuardrailVerdict",
    "QuietWindow",
    "Severity",
    "bias_of",
    "check_trade",
    "concerns",
    "et_label",
    "event_label",
    "event_session",
    "events_in_window",
    "macro_quiet",
    "override",
    "quiet_window",
    "trade_window",
]
