"""Conversions between aware datetimes and the UTC epoch seconds the store keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime


def to_epoch(moment: datetime, what: str) -> float:
    """Return ``moment`` as UTC epoch seconds; refuse naive datetimes, naming ``what``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what}: datetime {moment.isoformat()} has no time zone")
    return moment.timestamp()


def from_epoch(seconds: float) -> datetime:
    """Return the aware UTC datetime of ``seconds`` since the epoch."""
    return datetime.fromtimestamp(seconds, UTC)


def utc_now() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    return datetime.now(UTC)


def iso_date(day: date) -> str:
    """Return ``day`` as ISO ``YYYY-MM-DD`` text, the form dates take in the store."""
    return day.isoformat()
