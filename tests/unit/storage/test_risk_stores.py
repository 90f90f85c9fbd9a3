"""Account rule regimes, broker status and alerts against a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from workstation.domain.account_rules import BrokerAccountStatus, RuleRegime
from workstation.domain.alerts import Alert
from workstation.domain.notifications import Severity
from workstation.storage.account_rules import AccountRuleStore, AccountStatusStore
from workstation.storage.alerts import AlertStore
from workstation.storage.database import Database

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)


def test_regime_choice_is_replaced_and_cleared(db: Database) -> None:
    store = AccountRuleStore(db)
    store.set_regime("tastytrade", "5WT1", RuleRegime.CASH, NOW)
    store.set_regime("tastytrade", "5WT1", RuleRegime.INTRADAY_MARGIN, NOW)
    store.set_regime("schwab", "1234", RuleRegime.LEGACY_PDT, NOW)
    assert store.regimes() == {
        ("tastytrade", "5WT1"): RuleRegime.INTRADAY_MARGIN,
        ("schwab", "1234"): RuleRegime.LEGACY_PDT,
    }
    store.clear_regime("tastytrade", "5WT1")
    assert store.regimes() == {("schwab", "1234"): RuleRegime.LEGACY_PDT}


def test_unknown_regime_is_refused_by_the_table(db: Database) -> None:
    with pytest.raises(ValueError, match="RuleRegime"):
        AccountRuleStore(db).set_regime("tastytrade", "5WT1", "margin", NOW)  # type: ignore[arg-type]


def test_broker_status_keeps_the_latest_report_exactly(db: Database) -> None:
    store = AccountStatusStore(db)
    first = BrokerAccountStatus("tastytrade", "5WT1", NOW, 1, False, date(2026, 11, 27))
    latest = BrokerAccountStatus(
        "tastytrade", "5WT1", NOW + timedelta(hours=1), 2, False, date(2026, 11, 30),
        Decimal("18250.55"), Decimal("4000.10"), Decimal("3200"), Decimal("9100.25"), "api",
    )  # fmt: skip
    store.put(first)
    store.put(latest)
    assert store.all() == {("tastytrade", "5WT1"): latest}


def test_a_condition_alerts_once(db: Database) -> None:
    store = AlertStore(db)
    alert = Alert(
        "exit:g1:profit_target:hit", "exit", "Profit target", "SPY put spread at 52 %", NOW,
        Severity.ALERT, "SPY", {"pnl": "260.00", "target": "250.00"},
    )  # fmt: skip
    stored = store.raise_once(alert)
    assert stored is not None
    assert stored.id > 0
    assert stored.context == {"pnl": "260.00", "target": "250.00"}
    assert store.raise_once(alert) is None
    assert store.has("exit:g1:profit_target:hit")
    assert not store.has("exit:g1:max_loss:hit")
    assert [a.condition_key for a in store.recent()] == ["exit:g1:profit_target:hit"]


def test_recent_is_newest_first_and_filters_by_source(db: Database) -> None:
    store = AlertStore(db)
    for n, source in enumerate(["exit", "day_trades", "exit"]):
        store.raise_once(Alert(f"k{n}", source, "t", "b", NOW + timedelta(minutes=n)))
    assert [a.condition_key for a in store.recent()] == ["k2", "k1", "k0"]
    assert [a.condition_key for a in store.recent(source="exit")] == ["k2", "k0"]
    assert store.acknowledge(store.recent()[0].id, NOW)
    assert store.recent()[0].acknowledged_at == NOW
    assert not store.acknowledge(9999, NOW)


def test_alert_needs_a_condition_and_an_aware_time() -> None:
    with pytest.raises(ValueError, match="condition_key"):
        Alert(" ", "exit", "t", "b", NOW)
    with pytest.raises(ValueError, match="time zone"):
        Alert("k", "exit", "t", "b", datetime(2026, 1, 1))  # noqa: DTZ001


def test_severity_outside_the_list_is_refused(db: Database) -> None:
    bad = Alert("k", "exit", "t", "b", NOW, "shout")  # type: ignore[arg-type]
    with pytest.raises((ValueError, IntegrityError)):
        AlertStore(db).raise_once(bad)
