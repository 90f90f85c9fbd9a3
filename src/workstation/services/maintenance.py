"""Workspace upkeep: backups on demand and on schedule, quote-cache flushes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from workstation.services.blocking import BlockingRunner
from workstation.services.market_data import MarketDataService
from workstation.storage.backup import backup_database
from workstation.storage.database import Database
from workstation.storage.quotes import QuoteCache


class Maintenance:
    """Backs up the workspace database and persists the latest quotes."""

    def __init__(self, db: Database, backups_dir: Path, keep: int, run: BlockingRunner) -> None:
        self._db = db
        self._backups_dir = backups_dir
        self._keep = keep
        self._run = run

    async def backup(self, reason: str) -> Path:
        """Write a rotating ``VACUUM INTO`` backup now; return its path."""
        return await self._run(backup_database, self._db, self._backups_dir, reason, self._keep)

    async def flush_quotes(
        self, market: MarketDataService, symbols: list[str], now: datetime
    ) -> int:
        """Save the latest quote of each symbol to the quote cache; return how many."""
        quotes = [q for s in symbols if (q := market.latest(s)) is not None]
        if quotes:
            await self._run(QuoteCache(self._db).upsert_many, quotes, now)
        return len(quotes)
