"""The time axis of a bar chart whose x is the bar index (closed hours take no room).

Ticks go where the exchange clock (America/New_York) crosses a round time:
every 15 minutes, every hour, a new day, a new month... the finest unit that
leaves room for the labels. A tick on a new day is labelled with the date
("Nov 24"), others with the time ("10:30"). Only about one bar per pixel
column is looked at, so a tick pass costs the same at any zoom.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg

IntArray = npt.NDArray[np.int64]

EXCHANGE_TZ = ZoneInfo("America/New_York")
DAY = 86_400
LABEL_PX = 80  # room one label needs, pixels

Unit = Callable[[IntArray], IntArray]


def _months(local: IntArray) -> IntArray:
    months: IntArray = local.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return months


def _seconds(length: int) -> Unit:
    return lambda local: local // length


# Finest first: the key of a bar in each unit; a tick goes where the key changes.
UNITS: tuple[tuple[str, Unit], ...] = (
    ("1m", _seconds(60)),
    ("5m", _seconds(300)),
    ("15m", _seconds(900)),
    ("30m", _seconds(1800)),
    ("1h", _seconds(3600)),
    ("2h", _seconds(7200)),
    ("4h", _seconds(14_400)),
    ("day", _seconds(DAY)),
    ("week", lambda local: (local // DAY + 3) // 7),  # weeks start on Monday
    ("month", _months),
    ("quarter", lambda local: _months(local) // 3),
    ("year", lambda local: _months(local) // 12),
    ("5y", lambda local: _months(local) // 60),
)
INTRADAY = 7  # units before this index are shorter than a day


def exchange_seconds(ts: npt.ArrayLike) -> IntArray:
    """Epoch seconds (UTC) shifted to the exchange's wall clock (America/New_York).

    The offset is looked up once per calendar day, and per hour on the days
    it changes (daylight saving), so the result is exact and costs O(days).
    """
    utc = np.asarray(ts, dtype=np.int64)
    days, inverse = np.unique(utc // DAY, return_inverse=True)
    begin = _offsets(days * DAY)
    offset = begin[inverse]
    switching = (_offsets(days * DAY + DAY - 1) != begin)[inverse]
    if switching.any():
        hours, at = np.unique(utc[switching] // 3600, return_inverse=True)
        offset[switching] = _offsets(hours * 3600)[at]
    local: IntArray = utc + offset
    return local


def _offsets(instants: IntArray) -> IntArray:
    """UTC offset of the exchange clock at each instant (epoch seconds), seconds."""
    seconds = [_offset(t) for t in instants.tolist()]
    return np.asarray(seconds, dtype=np.int64).reshape(instants.shape)


def _offset(instant: int) -> int:
    delta = datetime.fromtimestamp(instant, EXCHANGE_TZ).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def time_ticks(
    local: IntArray, first: int, stop: int, columns: int, max_ticks: int, intraday: bool = True
) -> tuple[IntArray, list[str]]:
    """Tick positions (bar indices) and labels for bars ``[first, stop)`` on ``columns`` pixels.

    ``local`` is the exchange wall clock of every bar (epoch seconds as if the
    exchange were UTC). Looks at about one bar per pixel column, picks the
    finest unit (1m ... 5y) with at most ``max_ticks`` changes, then puts each
    tick on the exact first bar of its new unit. ``intraday`` False (daily
    bars) skips units shorter than a day.
    """
    index = sample_bars(first, stop, columns)
    if index.size < 2 or max_ticks < 1:
        return np.zeros(0, np.int64), []
    units = UNITS if intraday else UNITS[INTRADAY:]
    for name, key in units:
        keys = key(local[index])
        at = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        if at.size <= max_ticks or name == UNITS[-1][0]:
            ticks = np.array([_first_of_unit(local, index[k - 1], index[k], key) for k in at],
                             dtype=np.int64)  # fmt: skip
            return ticks, _labels(local[ticks], local[ticks - 1], name)
    raise AssertionError("unreachable: the coarsest unit always returns")  # pragma: no cover


def _first_of_unit(local: IntArray, before: int, after: int, key: Unit) -> int:
    """The first bar in ``(before, after]`` whose unit differs from bar ``before``'s."""
    if after - before == 1:
        return after
    keys = key(local[before : after + 1])
    return before + int(np.argmax(keys != keys[0]))


def _labels(local: IntArray, before: IntArray, unit: str) -> list[str]:
    labels = []
    for now, prev in zip(local.tolist(), before.tolist(), strict=True):
        when, was = _wall(now), _wall(prev)
        if when.year != was.year and unit not in ("1m", "5m", "15m", "30m"):
            labels.append(f"{when:%Y}")
        elif unit in ("month", "quarter") or (when.month != was.month and unit == "week"):
            labels.append(f"{when:%b}")
        elif when.date() != was.date():
            labels.append(f"{when:%b} {when.day}")
        else:
            labels.append(f"{when:%H:%M}")
    return labels


def _wall(local: int) -> datetime:
    return datetime.fromtimestamp(local, UTC).replace(tzinfo=None)


def sample_bars(first: int, stop: int, columns: int) -> IntArray:
    """About one bar index per pixel column between ``first`` and ``stop`` (exclusive)."""
    if stop - first <= 2 * columns:
        return np.arange(first, stop, dtype=np.int64)
    picked: IntArray = np.unique(np.linspace(first, stop - 1, columns).astype(np.int64))
    return picked


class TimeAxis(pg.AxisItem):  # type: ignore[misc]
    """Bottom axis of a bar-index chart, labelled with exchange times and dates."""

    def __init__(self, local_times: Callable[[], IntArray], intraday: bool = True) -> None:
        super().__init__("bottom")
        self._local_times = local_times
        self.intraday = intraday
        self._labels: dict[float, str] = {}
        self._key: tuple[object, ...] = ()

    def tickValues(
        self,
        minVal: float,  # noqa: N803 - pyqtgraph's names
        maxVal: float,  # noqa: N803
        size: float,
    ) -> list[tuple[float, list[float]]]:
        """One level of ticks at round exchange times inside the visible bars."""
        local = self._local_times()
        first, stop = max(0, int(np.ceil(minVal))), min(local.size, int(maxVal) + 1)
        columns = max(int(size), 1)
        room = max(columns // LABEL_PX, 1)
        ends = local[[0, -1]].tolist() if local.size else []
        key = (first, stop, room, self.intraday, local.size, *ends)
        if key != self._key:  # the grid asks too: compute once per view
            ticks, labels = time_ticks(local, first, stop, columns, room, self.intraday)
            self._key = key
            self._labels = dict(zip(ticks.astype(float).tolist(), labels, strict=True))
        return [(1.0, sorted(self._labels))]

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        """Labels computed with the tick positions."""
        return [self._labels.get(float(v), "") for v in values]
