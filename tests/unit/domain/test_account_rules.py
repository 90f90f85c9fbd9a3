"""Rule regimes default from the account type; broker status needs an aware time."""

from __future__ import annotations

from datetime import datetime

import pytest

from workstation.domain.account_rules import BrokerAccountStatus, RuleRegime, default_regime
from workstation.domain.accounts import AccountKind


@pytest.mark.parametrize(
    ("kind", "regime"),
    [
        (AccountKind.CASH, RuleRegime.CASH),
        (AccountKind.IRA, RuleRegime.CASH),  # IRAs cannot borrow: settlement rules
        (AccountKind.MARGIN, RuleRegime.LEGACY_PDT),
        (AccountKind.DEMO, RuleRegime.LEGACY_PDT),
        (None, RuleRegime.LEGACY_PDT),  # an imported account of unknown type: warn early
    ],
)
def test_default_regime_by_account_type(kind: AccountKind | None, regime: RuleRegime) -> None:
    assert default_regime(kind, "tastytrade") is regime
    assert default_regime(kind, "schwab") is regime


def test_regimes_have_labels() -> None:
    assert RuleRegime.INTRADAY_MARGIN.label == "Intraday margin (2026 standard)"


def test_broker_status_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match=r"5WT1.*time zone"):
        BrokerAccountStatus("tastytrade", "5WT1", datetime(2026, 11, 23))  # noqa: DTZ001
