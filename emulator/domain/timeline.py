"""Time buckets: which rows a span has, and where each starts ([choice], README "The answer").

Hourly buckets start on the hour; daily buckets at midnight Asia/Shanghai (UTC+8, no DST).
The rows are every bucket that overlaps [start, end), oldest first, and row *i* is computed
from *i* alone, so a page never needs the rows before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

HOUR = 3600
DAY = 86400
SHANGHAI_OFFSET = 8 * HOUR


def shanghai_midnight(day: dt.date) -> int:
    """Unix seconds of 00:00 Asia/Shanghai on `day`."""
    return (day - dt.date(1970, 1, 1)).days * DAY - SHANGHAI_OFFSET


def floor_day(ts: int) -> int:
    return (ts + SHANGHAI_OFFSET) // DAY * DAY - SHANGHAI_OFFSET


@dataclass(frozen=True)
class Timeline:
    granularity: str  # "hourly" | "daily"
    first: int  # start of the first bucket, Unix seconds
    step: int
    total: int

    @classmethod
    def for_span(cls, start: int, end: int, hourly_max_days: int) -> Timeline:
        """Buckets overlapping [start, end); the span decides the granularity."""
        if end - start <= hourly_max_days * DAY:
            step, first = HOUR, start // HOUR * HOUR
        else:
            step, first = DAY, floor_day(start)
        last = (end - 1 - first) // step  # index of the bucket holding end - 1
        return cls("hourly" if step == HOUR else "daily", first, step, last + 1)

    @classmethod
    def of(cls, granularity: str, start: int, end: int) -> Timeline:
        """Buckets of the given granularity overlapping [start, end)."""
        return cls.for_span(start, end, 0 if granularity == "daily" else 10**6)

    def bucket(self, index: int) -> int:
        return self.first + index * self.step


T = TypeVar("T")


def in_force(epochs: Sequence[tuple[int, T]], ts: int, first: T) -> T:
    """What a sequence of (from, value) changes, oldest first, has in force at `ts` (`first`
    before any)."""
    found = first
    for start, value in epochs:
        if start <= ts:
            found = value
    return found
