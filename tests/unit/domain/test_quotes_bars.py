import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from workstation.domain.bars import BAR_DTYPE, Timeframe, empty_bars, validate_bars
from workstation.domain.quotes import Quote
from workstation.domain.retry import RetryPolicy

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_quote_change_and_mid():
    q = Quote("SPY", last=101.0, prev_close=100.0, ts=T0, bid=100.99, ask=101.01)
    assert q.change == pytest.approx(1.0)
    assert q.change_pct == pytest.approx(1.0)
    assert q.mid == pytest.approx(101.0)
    assert q.age_seconds(T0 + timedelta(seconds=30)) == 30


def test_index_quote_mid_falls_back_to_last_and_zero_close_has_no_percent():
    q = Quote("SPX", last=6800.0, prev_close=0.0, ts=T0)
    assert q.mid == 6800.0
    assert math.isnan(q.change_pct)


def test_quote_needs_aware_time():
    with pytest.raises(ValueError, match="no time zone"):
        Quote("SPY", 1.0, 1.0, datetime(2026, 1, 1))  # noqa: DTZ001


def _bars(n: int) -> np.ndarray:
    bars = empty_bars(n)
    bars["ts"] = 1_700_000_000 + 60 * np.arange(n)
    bars["open"] = bars["close"] = 10.0
    bars["high"], bars["low"], bars["volume"] = 11.0, 9.0, 100.0
    return bars


def test_validate_bars_accepts_consistent_bars():
    validate_bars(_bars(5), "SPY 1m")


@pytest.mark.parametrize(
    ("field", "row", "value", "message"),
    [
        ("ts", 3, 1_700_000_000, "row 3 .*not strictly increasing"),
        ("low", 2, 10.5, "row 2 .*low above"),
        ("high", 1, 9.5, "row 1 .*high below"),
        ("volume", 4, -1.0, "row 4 .*negative volume"),
        ("close", 0, np.nan, "row 0 .*non-finite close"),
        ("high", 2, np.nan, "row 2 .*non-finite high"),
    ],
)
def test_validate_bars_names_the_bad_row(field, row, value, message):
    bars = _bars(5)
    bars[field][row] = value
    with pytest.raises(ValueError, match=f"SPY 1m: {message}"):
        validate_bars(bars, "SPY 1m")


def test_validate_bars_rejects_wrong_dtype():
    with pytest.raises(ValueError, match="dtype"):
        validate_bars(np.zeros(3), "x")


def test_timeframe_seconds():
    assert [tf.seconds for tf in Timeframe] == [60, 300, 900, 3600, 86400]
    assert empty_bars(2).dtype == BAR_DTYPE


def test_retry_policy_grows_exponentially_to_the_cap():
    policy = RetryPolicy(base_seconds=0.5, cap_seconds=8.0, max_attempts=5)
    assert [policy.ceiling(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    delays = [policy.delay(4) for _ in range(200)]
    assert all(0 <= d <= 4.0 for d in delays)
    assert max(delays) > 2.0  # full jitter spreads over the whole range
    assert not policy.gives_up_after(4)
    assert policy.gives_up_after(5)
    with pytest.raises(ValueError, match=">= 1"):
        policy.ceiling(0)
