"""Broker CSV exports (tastytrade, Schwab) parsed into keyed StatementFiles.

``read_statement`` implements the StatementReader port; ``parse_statement``
does the same for text already in memory.
"""

from __future__ import annotations

from workstation.adapters.csv.detect import BROKERS, FORMATS, ExportFormat
from workstation.adapters.csv.statement import parse_statement, read_statement

__all__ = ["BROKERS", "FORMATS", "ExportFormat", "parse_statement", "read_statement"]
