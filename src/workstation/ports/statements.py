"""StatementReader port: turn a broker export file into keyed transactions.

The CSV adapters implement it; the import service depends only on this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from workstation.domain.transactions import StatementFile


class StatementReader(Protocol):
    """Reads one broker export; raises ImportFileError naming file, line and column."""

    def __call__(
        self, path: Path, *, broker: str | None = None, account: str | None = None
    ) -> StatementFile: ...
