"""Backfill of price and IV history from the market-data port into the store.

Daily bars for two years, one-minute bars for the last 30 sessions (and
five-minute bars resampled from them), and daily IV history. Re-running
fetches only what is newer than what is stored (plus a small overlap, because
the latest bar may still have been forming) and upserts it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from workstation.domain.bars import Timeframe
from workstation.engines.bars import resample
from workstation.engines.sessions import TradingCalendar
from workstation.ports.marketdata import MarketData, MarketDataError
from workstation.services.blocking import BlockingRunner
from workstation.storage.bars import BarStore
from workstation.storage.iv_history import IvHistoryStore
from workstation.storage.sync_log import SyncLog

log = logging.getLogger(__name__)

DAILY_YEARS = 2
INTRADAY_SESSIONS = 30
OVERLAP = timedelta(days=3)
NEW_YORK = ZoneInfo("America/New_York")


@dataclass(slots=True)
class BackfillReport:
    """Rows written per symbol and timeframe, and symbols that failed (with why)."""

    rows: dict[str, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Rows written in all."""
        return sum(self.rows.values())


class HistoryBackfill:
    """Fills the store from a provider; safe to re-run (idempotent upserts)."""

    def __init__(
        self,
        provider: MarketData,
        bars: BarStore,
        iv: IvHistoryStore,
        sync_log: SyncLog,
        calendar: TradingCalendar,
    ) -> None:
        self._provider = provider
        self._bars = bars
        self._iv = iv
        self._log = sync_log
        self._calendar = calendar

    async def run(
        self, symbols: list[str], iv_symbols: list[str], now: datetime, *, write: BlockingRunner
    ) -> BackfillReport:
        """Backfill ``symbols`` (bars) and ``iv_symbols`` (IV history) up to ``now``.

        ``write(fn, *args)`` runs a blocking store call off the event loop.
        """
        entry = await write(self._log.start, "backfill", self._provider.name)
        report = BackfillReport()
        for symbol in symbols:
            await self._symbol_bars(symbol, now, report, write)
        for symbol in iv_symbols:
            await self._symbol_iv(symbol, now, report, write)
        status = "failed" if report.failures and not report.rows else "ok"
        detail = "; ".join(f"{s}: {why}" for s, why in report.failures.items())
        await write(self._log.finish, entry, status, report.total, detail)
        return report

    async def _symbol_bars(
        self, symbol: str, now: datetime, report: BackfillReport, write: BlockingRunner
    ) -> None:
        first_session = self._calendar.sessions_back(_today(now), INTRADAY_SESSIONS)[0]
        daily_start = await write(
            self._resume, symbol, Timeframe.D1, now - timedelta(days=365 * DAILY_YEARS + 2)
        )
        intraday_start = await write(
            self._resume, symbol, Timeframe.M1, self._calendar.session_bounds(first_session)[0]
        )
        try:
            daily = await self._provider.bars(symbol, Timeframe.D1, daily_start, now)
            minute = await self._provider.bars(symbol, Timeframe.M1, intraday_start, now)
        except MarketDataError as exc:
            report.failures[symbol] = str(exc)
            log.warning("backfill %s failed: %s", symbol, exc)
            return
        five = resample(minute.bars, Timeframe.M5.seconds)
        for timeframe, bars in (
            (Timeframe.D1, daily.bars),
            (Timeframe.M1, minute.bars),
            (Timeframe.M5, five),
        ):
            if len(bars):
                written = await write(self._bars.write, symbol, timeframe, bars)
                report.rows[f"{symbol} {timeframe.value}"] = written

    async def _symbol_iv(
        self, symbol: str, now: datetime, report: BackfillReport, write: BlockingRunner
    ) -> None:
        end = _today(now)
        try:
            history = await self._provider.iv_history(
                symbol, end - timedelta(days=365 * DAILY_YEARS), end
            )
        except MarketDataError as exc:
            report.failures[f"{symbol} IV"] = str(exc)
            return
        if len(history.rows):
            written = await write(self._iv.write, symbol, history.rows, self._provider.name)
            report.rows[f"{symbol} iv"] = written

    def is_current(self, now: datetime) -> bool:
        """True when a backfill succeeded after the latest session close before ``now``.

        Blocking (reads the sync log); run it off the event loop.
        """
        last_close = self._latest_close(now)
        return any(
            run.kind == "backfill" and run.status == "ok" and run.started_at >= last_close
            for run in self._log.recent(20)
        )

    def _latest_close(self, now: datetime) -> datetime:
        today = _today(now)
        if self._calendar.is_session(today):
            close = self._calendar.session_bounds(today)[1]
            if now >= close:
                return close
        return self._calendar.session_bounds(self._calendar.previous_session(today))[1]

    def _resume(self, symbol: str, timeframe: Timeframe, earliest: datetime) -> datetime:
        """Start after what is stored, minus an overlap; never before ``earliest`` (blocking)."""
        latest = self._bars.latest_ts(symbol, timeframe)
        if latest is None:
            return earliest
        return max(earliest, datetime.fromtimestamp(latest, UTC) - OVERLAP)


def _today(now: datetime) -> date:
    return now.astimezone(NEW_YORK).date()
