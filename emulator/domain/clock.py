"""The data clock: usage exists only before `now - lag`, never in the future.

`now` is the wall clock unless a test fixes it (a setting, the control API, `Emulator.clock`);
a fixed clock moves only when told to. The lag hides the most recent usage as a billing pipeline
would. Signature dates are judged by the real wall clock, never by this one.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.validation import FieldError

MAX_INSTANT = 10**11  # Unix seconds; larger values look like milliseconds
MAX_LAG_MINUTES = 10_000_000


class ClockError(FieldError):
    """An instant, lag or step the clock cannot take."""


def parse_instant(value: Any, field: str = "now") -> int:
    """Unix seconds from an int, a string of digits, ISO 8601 text with an offset, or an aware
    datetime. A time without an offset is refused: it would mean different instants on
    different machines."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ClockError(field, "a datetime needs a time zone")
        seconds = int(value.timestamp() // 1)
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str):
        text = value.strip(" ")
        if not text.isprintable():  # NUL, tabs, other control characters: not an instant anyone wrote
            raise ClockError(field, f"{value[:64]!r} holds control characters; give Unix seconds or ISO 8601 "
                                    "(like 2026-03-01T12:00:00+08:00)")
        if text.isascii() and text.isdigit() and len(text) <= 12:
            seconds = int(text)
        else:
            try:
                parsed = dt.datetime.fromisoformat(text) if len(text) <= 64 else None
            except ValueError:
                parsed = None
            if parsed is None:
                raise ClockError(field, f"{value[:64]!r} is neither Unix seconds nor ISO 8601 "
                                        "(like 2026-03-01T12:00:00+08:00)")
            if parsed.tzinfo is None:
                raise ClockError(field, f"{value!r} has no offset; add one, like +08:00 or Z")
            seconds = int(parsed.timestamp() // 1)
    else:
        raise ClockError(field, f"must be Unix seconds or ISO 8601 text, got {type(value).__name__}")
    if not 0 <= seconds < MAX_INSTANT:
        raise ClockError(field, f"{seconds} is not a Unix time in seconds from 1970 to 5138")
    return seconds


def iso_utc(seconds: int) -> str:
    """Unix seconds as ISO 8601 UTC, as the API writes times: 2026-03-01T04:00:00Z. The date is
    formatted once a day (a page of a year's log rows has thousands of them)."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{_utc_date(days)}T{hours:02d}:{minutes:02d}:{secs:02d}Z"


@functools.lru_cache(maxsize=4096)
def _utc_date(days: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=days)).isoformat()


@dataclass(frozen=True)
class ClockState:
    fixed: int | None  # None: the wall clock
    lag_minutes: int


class DataClock:
    """The data clock of one emulator, reset to the started setting. A change is written through
    `commit` (the store: every worker sees it) and applied by `load` when it is committed; used
    alone (no commit given) it applies its changes at once."""

    def __init__(self, fixed: int | None, lag_minutes: int, wall: Callable[[], float] = time.time,
                 commit: Callable[[Callable[[Any], None]], None] | None = None) -> None:
        self._started = ClockState(fixed, lag_minutes)
        self._state = self._started
        self._wall = wall
        self._lock = threading.Lock()
        self._commit = commit

    def load(self, clock: tuple[int | None, int] | None) -> None:
        """The stored clock: (fixed, lag), or None for the started setting."""
        self._state = self._started if clock is None else ClockState(*clock)

    def _change(self, new: Callable[[ClockState], ClockState]) -> None:
        def write(writer: Any) -> None:
            state = new(self._state)  # from the state as of the last change
            if writer is None:
                self._state = state
            else:
                writer.set_clock(None if state == self._started else (state.fixed, state.lag_minutes))
        if self._commit is None:
            with self._lock:
                write(None)
        else:
            self._commit(write)

    def now(self) -> int:
        fixed = self._state.fixed
        return fixed if fixed is not None else int(self._wall())

    def cutoff(self) -> int:
        """The instant before which usage exists: now minus the lag."""
        return self.instants()[1]

    def instants(self) -> tuple[int, int]:
        """(now, the cutoff), read together."""
        state = self._state
        now = state.fixed if state.fixed is not None else int(self._wall())
        return now, now - state.lag_minutes * 60

    @property
    def fixed(self) -> bool:
        return self._state.fixed is not None

    @property
    def lag_minutes(self) -> int:
        return self._state.lag_minutes

    def set(self, now: Any = None, lag_minutes: int | None = None) -> None:
        """Fix the clock at `now` (any form `parse_instant` takes; None keeps the current
        setting) and optionally change the lag."""
        fixed = parse_instant(now) if now is not None else None
        if lag_minutes is not None and (isinstance(lag_minutes, bool) or not isinstance(lag_minutes, int)
                                        or not 0 <= lag_minutes <= MAX_LAG_MINUTES):
            raise ClockError("dataLagMinutes", f"must be an integer from 0 to {MAX_LAG_MINUTES}")
        self._change(lambda state: ClockState(fixed if now is not None else state.fixed,
                                              lag_minutes if lag_minutes is not None else state.lag_minutes))

    def advance(self, seconds: int) -> None:
        """Move a fixed clock forward; figures only grow as it moves."""
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
            raise ClockError("seconds", "must be a non-negative integer: the clock only moves forward")

        def moved(state: ClockState) -> ClockState:
            if state.fixed is None:
                raise ClockError("seconds", "the clock follows the wall clock; fix it first (PUT /_emulator/clock)")
            if state.fixed + seconds >= MAX_INSTANT:
                raise ClockError("seconds", f"advancing by {seconds} s would pass the year 5138")
            return ClockState(state.fixed + seconds, state.lag_minutes)
        self._change(moved)

    def reset(self) -> None:
        """Back to the started setting (the `now` and `data_lag_minutes` settings)."""
        self._change(lambda state: self._started)

    def public(self) -> dict[str, Any]:
        return {"now": self.now(), "fixed": self.fixed, "dataLagMinutes": self.lag_minutes}
