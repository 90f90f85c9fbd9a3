"""Time to expiry measured to the instant an option's value is fixed.

PM-settled options (equities, ETFs, XSP and the index weeklies SPXW, NDXP,
RUTW) stop at that session's close: 16:00 ET, 13:00 ET on half days. The
standard monthly SPX, NDX and RUT options are AM-settled: their settlement
value comes from the opening prices of the expiration day, so their clock
stops at that session's open (09:30 ET); their last trading day is the
session before. VIX options (monthly and weekly) settle on a special opening
quotation of their Wednesday expiration day and are AM-settled too.

Instants are aware UTC datetimes (one expiry) or numpy ``datetime64[s]`` in
UTC (arrays). ``years_to_expiry`` uses a 365-day year of 86,400-second days,
the convention of the pricing engines (t in years).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from workstation.engines.sessions import TradingCalendar

FloatArray = npt.NDArray[np.float64]
InstantArray = npt.NDArray[np.datetime64]

# Roots whose standard monthly (third-Friday) expiration is AM-settled.
AM_MONTHLY_ROOTS = frozenset({"SPX", "NDX", "RUT"})
# Roots whose every expiration is AM-settled (VIX special opening quotation).
AM_ROOTS = frozenset({"VIX", "VIXW"})
SECONDS_PER_YEAR = 365.0 * 86_400.0
FRIDAY = 4


def standard_monthly_expiry(year: int, month: int, calendar: TradingCalendar) -> date:
    """Return the standard monthly expiration: the third Friday, or the session before it."""
    first = date(year, month, 1)
    third_friday = first + timedelta(days=(FRIDAY - first.weekday()) % 7 + 14)
    if calendar.is_session(third_friday):
        return third_friday
    return calendar.previous_session(third_friday)


def is_am_settled(underlying: str, expiry: date, calendar: TradingCalendar) -> bool:
    """Tell whether options of root ``underlying`` expiring on ``expiry`` settle at the open.

    ``underlying`` is the option root as listed (SPX for the AM monthlies,
    SPXW for the PM weeklies): True for the standard monthly SPX, NDX and RUT
    expirations and for every VIX expiration; False otherwise.
    """
    root = underlying.strip().upper()
    if root in AM_ROOTS:
        return True
    if root in AM_MONTHLY_ROOTS:
        return expiry == standard_monthly_expiry(expiry.year, expiry.month, calendar)
    return False


def expiry_instant(
    underlying: str, expiry: date, calendar: TradingCalendar, *, am_settled: bool | None = None
) -> datetime:
    """Return the aware UTC instant an option's value is fixed: open if AM-settled, else close.

    ``am_settled`` overrides the rule in ``is_am_settled`` (a provider may say
    so). Raises ValueError naming the date if ``expiry`` is not a session.
    """
    if not calendar.is_session(expiry):
        raise ValueError(f"expiry {expiry} of {underlying} is not an NYSE trading session")
    if am_settled is None:
        am_settled = is_am_settled(underlying, expiry, calendar)
    opens, closes = calendar.session_bounds(expiry)
    return opens if am_settled else closes


def expiry_instants(
    underlying: str,
    expiries: npt.ArrayLike,
    calendar: TradingCalendar,
    am_settled: npt.ArrayLike | None = None,
) -> InstantArray:
    """Return ``expiry_instant`` for every date in ``expiries`` as ``datetime64[s]`` (UTC).

    ``expiries`` is an array of ``datetime64[D]`` (NaT gives NaT);
    ``am_settled``, if given, is a bool array-like that broadcasts with it.
    Each distinct date is looked up once.
    """
    days = np.asarray(expiries, dtype="datetime64[D]")
    result = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    override = (
        None if am_settled is None else np.broadcast_to(np.asarray(am_settled, bool), days.shape)
    )
    known = ~np.isnat(days)
    distinct, inverse = np.unique(days[known], return_inverse=True)
    opens, closes, rule = _bounds(underlying, distinct, calendar)
    am = rule[inverse] if override is None else override[known]
    result[known] = np.where(am, opens[inverse], closes[inverse])
    return result


def _bounds(
    underlying: str, days: npt.NDArray[np.datetime64], calendar: TradingCalendar
) -> tuple[InstantArray, InstantArray, npt.NDArray[np.bool_]]:
    """Return the open, the close and the AM-settlement rule of each distinct date."""
    opens, closes, rule = [], [], []
    for day in days.astype(object):
        if not calendar.is_session(day):
            raise ValueError(f"expiry {day} of {underlying} is not an NYSE trading session")
        start, end = calendar.session_bounds(day)
        opens.append(_instant(start))
        closes.append(_instant(end))
        rule.append(is_am_settled(underlying, day, calendar))
    as_seconds = "datetime64[s]"
    return np.array(opens, as_seconds), np.array(closes, as_seconds), np.array(rule, bool)


def years_to_expiry(
    now: datetime, instants: datetime | Sequence[datetime] | npt.ArrayLike
) -> FloatArray:
    """Return (instant - now) in years of 365 days (negative once past; NaN for NaT).

    ``now`` must be aware; ``instants`` is an aware datetime, a sequence of
    them, or ``datetime64`` values in UTC. Callers treat t <= 0 as expired.
    """
    if now.tzinfo is None:
        raise ValueError(f"now={now} has no time zone; pass an aware datetime")
    seconds = _epoch_seconds(instants) - now.timestamp()
    years: FloatArray = seconds / SECONDS_PER_YEAR
    return years


def _epoch_seconds(instants: Any) -> FloatArray:
    """Return epoch seconds (float) of aware datetimes or UTC datetime64 values; NaN for NaT."""
    if isinstance(instants, datetime):
        instants = [instants]
        shape: tuple[int, ...] = ()
    else:
        shape = np.shape(instants)
    values = np.asarray(instants)
    if values.dtype == object:
        flat = [_aware(x).timestamp() for x in values.ravel()]
        return np.array(flat, dtype=np.float64).reshape(shape)
    micros = values.astype("datetime64[us]")
    seconds = micros.astype(np.int64) / 1e6
    seconds[np.isnat(micros)] = np.nan
    return np.asarray(seconds, dtype=np.float64).reshape(shape)


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"{instant} has no time zone; pass aware datetimes")
    return instant


def _instant(moment: datetime) -> np.datetime64:
    """Return an aware datetime as a UTC ``datetime64[s]``."""
    return np.datetime64(moment.astimezone(UTC).replace(tzinfo=None), "s")
