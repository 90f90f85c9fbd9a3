"""Column types that keep the store's conventions in one place.

``UtcInstant`` stores an aware datetime as REAL UTC epoch seconds (microsecond
precision); ``DecimalText`` stores a Decimal as its exact decimal text, because
SQLite's NUMERIC affinity would turn it into a binary float.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import REAL, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from workstation.storage.epoch import from_epoch, to_epoch


class UtcInstant(TypeDecorator[datetime]):
    """An aware datetime stored as REAL UTC epoch seconds; naive datetimes are refused."""

    impl = REAL
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> float | None:
        """Convert an aware datetime to epoch seconds."""
        return None if value is None else to_epoch(value, "timestamp column")

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        """Convert epoch seconds back to an aware UTC datetime."""
        return None if value is None else from_epoch(float(value))


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text (``"100"``, ``"512.5"``)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        """Convert a finite Decimal to text; refuse anything else."""
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"decimal column: {value!r} is not a finite Decimal")
        return str(value)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Decimal | None:
        """Parse the stored text back into a Decimal."""
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError(f"decimal column holds {value!r}, not a number") from exc
