"""Exit rules over priced positions: ExitPosition inputs, and alerts once per condition.

The rules (engines/risk/exits) judge a position from its opening cash, what
closing now would pay, its expiry extremes, the underlying, the expected move
to the nearest expiry (spot × IV × sqrt(DTE / 365), IV of the short legs or
the at-the-money IV) and the next ex-dividend. A condition that is HIT raises
one alert, and so does each expiry recommendation to act.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from workstation.config.settings import WorkspaceSettings
from workstation.domain.alerts import Alert
from workstation.domain.event_calendar import EASTERN
from workstation.domain.exits import ExitLeg, ExitPosition, ExitRules, ExpiryAction, RuleState
from workstation.domain.instruments import InstrumentKind
from workstation.domain.notifications import Severity
from workstation.domain.occ import OptionRight
from workstation.domain.risk import OpenLeg, OpenPosition, PositionRisk
from workstation.services.ledger_marks import as_price
from workstation.services.risk_book import LegQuote
from workstation.services.risk_market import UnderlyingMarket

ZERO = Decimal(0)


def exit_rules(settings: WorkspaceSettings) -> ExitRules:
    """Return the exit rules from the workspace settings (the trader's defaults)."""
    return ExitRules(
        profit_target_credit=Decimal(str(settings.exit_profit_target_credit)),
        profit_target_debit=Decimal(str(settings.exit_profit_target_debit)),
        max_loss_multiple=Decimal(str(settings.exit_max_loss_multiple)),
        max_loss_debit=Decimal(str(settings.exit_max_loss_debit)),
        time_exit_dte=settings.exit_time_dte,
        expiry_window_dte=settings.exit_expiry_window_dte,
    )


def exit_position(
    position: OpenPosition,
    quotes: Sequence[LegQuote],
    deltas: Sequence[float],
    market: UnderlyingMarket,
    extremes: tuple[Decimal | None, Decimal | None],
    today: date,
    session_after_expiry: date | None,
) -> ExitPosition | None:
    """Return the exit rules' view of ``position`` (None when a leg has no mark)."""
    if any(not math.isfinite(q.mark) for q in quotes) or not market.spot > 0:
        return None
    legs = tuple(
        _leg(leg, q, d, market.spot)
        for leg, q, d in zip(position.legs, quotes, deltas, strict=True)
    )
    paired = zip(position.legs, quotes, strict=True)
    value = sum((leg.value_at(as_price(q.mark)) for leg, q in paired), ZERO)
    expiry = position.nearest_expiry
    dte = None if expiry is None else max((expiry - today).days, 0)
    return ExitPosition(
        id=position.id,
        name=position.name,
        underlying=position.underlying,
        legs=legs,
        opening_cash=position.opening_cash,
        current_value=value.quantize(Decimal("0.01")),
        max_profit=extremes[0],
        max_loss=extremes[1],
        spot=market.spot,
        expected_move=_expected_move(position, quotes, market.spot, dte),
        dte=dte,
        as_of=today,
        ex_dividend=market.next_ex_dividend,
        dividend=market.dividend,
        session_after_expiry=session_after_expiry,
    )


def exit_alerts(positions: Sequence[PositionRisk], now: datetime) -> list[Alert]:
    """Return one alert per HIT exit rule and per expiry recommendation to act."""
    alerts = []
    for risk in positions:
        assessment = risk.exit
        if assessment is None:
            continue
        where = f"{risk.position.name} ({risk.position.account})"
        for signal in assessment.signals:
            if signal.state is RuleState.HIT:
                alerts.append(Alert(
                    signal.condition_key, "exit", f"{signal.headline}: {where}", signal.detail,
                    now, Severity.ALERT, risk.position.underlying,
                    {"position": risk.position.id, "rule": signal.rule.value},
                ))  # fmt: skip
        advice = assessment.recommendation
        if advice is not None and advice.action is not ExpiryAction.LET_EXPIRE:
            day = now.astimezone(EASTERN).date().isoformat()  # one alert per session
            key = f"exit:{risk.position.id}:expiry:{advice.action.value}:{day}"
            alerts.append(Alert(
                key, "exit", f"Expiry: {advice.action.value.replace('_', ' ')} — {where}",
                "; ".join(advice.reasons[:3]), now, Severity.ALERT, risk.position.underlying,
                {"position": risk.position.id, "legs_to_close": list(advice.legs_to_close)},
            ))  # fmt: skip
    return alerts


def _leg(leg: OpenLeg, quote: LegQuote, delta: float, spot: float) -> ExitLeg:
    is_call = None if not leg.is_option else leg.right is OptionRight.CALL
    strike = float(leg.strike) if leg.strike is not None else None
    extrinsic = math.nan
    if is_call is not None and strike is not None:
        intrinsic = max(spot - strike, 0.0) if is_call else max(strike - spot, 0.0)
        extrinsic = max(quote.mark - intrinsic, 0.0)
    return ExitLeg(
        leg.symbol, is_call, strike, leg.expiry, leg.quantity, leg.multiplier, quote.mark,
        float(leg.entry_price), extrinsic, delta,
        cash_settled=leg.instrument is InstrumentKind.INDEX_OPTION,
    )  # fmt: skip


def _expected_move(
    position: OpenPosition, quotes: Sequence[LegQuote], spot: float, dte: int | None
) -> float:
    """One-sd move to the nearest expiry (dollars): spot × IV × sqrt(DTE/365), NaN without IV."""
    if dte is None:
        return math.nan
    ivs = [q.iv for leg, q in zip(position.legs, quotes, strict=True)
           if leg.expiry == position.nearest_expiry and math.isfinite(q.iv)]  # fmt: skip
    if not ivs:
        return math.nan
    return spot * (sum(ivs) / len(ivs)) * math.sqrt(max(dte, 1) / 365.0)
