"""When a key or a model accrues usage, and at what price: history does not change, the future
follows (README "The directory can change").

- A `Life` is the set of instants an API key (or a model) accrues usage: from its creation, until
  it is disabled, expires or is deleted, again once it is enabled or renewed. A key-hour that a
  life covers in part keeps the share of its figures that the covered seconds are of the hour
  (each figure floored, as the data clock's hour is), so a key disabled at 12:20 keeps exactly
  what it had at 12:20. A key of the fixture that no write touched has no life: always.
- A model's `epochs` are its prices over time: a price set at T applies from the first whole hour
  at or after T, so amounts before then never move.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from fractions import Fraction

HOUR = 3600
NEVER = 2**62  # an instant after every other
ALWAYS = -(2**62)


@dataclass(frozen=True)
class Life:
    """Active intervals [start, end), sorted and disjoint."""

    intervals: tuple[tuple[int, int], ...]

    @classmethod
    def from_(cls, start: int) -> Life:
        return cls(((start, NEVER),))

    @functools.cached_property
    def _ends(self) -> list[int]:
        return [e for _, e in self.intervals]

    def _from(self, t: int) -> int:
        """The index of the first interval ending after t (a life of many changes is searched,
        not scanned)."""
        return bisect.bisect_right(self._ends, t)

    def active_at(self, t: int) -> bool:
        i = self._from(t)
        return i < len(self.intervals) and self.intervals[i][0] <= t

    def seconds(self, a: int, b: int) -> int:
        """How many seconds of [a, b) the life covers."""
        total = 0
        for s, e in self.intervals[self._from(a):]:
            if s >= b:
                break
            total += min(b, e) - max(a, s)
        return total

    def whole(self, a: int, b: int) -> bool | None:
        """True: [a, b) wholly covered; False: not at all; None: in part."""
        covered = self.seconds(a, b)
        return True if covered == b - a else False if covered == 0 else None

    def boundary_in(self, a: int, b: int) -> bool:
        for s, e in self.intervals[self._from(a):]:
            if s >= b:
                break
            if a < s < b or a < e < b:
                return True
        return False

    def ended(self, t: int) -> Life:
        """The life with nothing from t on."""
        return Life(tuple((s, min(e, t)) for s, e in self.intervals if s < t))

    def resumed(self, t: int, until: int = NEVER) -> Life:
        """The life with [t, until) added (merged with what touches it)."""
        if until <= t:
            return self
        merged: list[tuple[int, int]] = []
        for s, e in sorted((*self.intervals, (t, until))):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return Life(tuple(merged))

    def __and__(self, other: Life | None) -> Life:
        if other is None:
            return self
        out = []
        for s, e in self.intervals:
            for s2, e2 in other.intervals:
                lo, hi = max(s, s2), min(e, e2)
                if lo < hi:
                    out.append((lo, hi))
        return Life(tuple(sorted(out)))


def both(a: Life | None, b: Life | None) -> Life | None:
    """The instants both lives cover (None: always)."""
    if a is None:
        return b
    return a & b


Prices = tuple[tuple[str, Fraction], ...]  # (drawn metric, minor units per unit of it)


def hour_ceil(t: int) -> int:
    return -(-t // HOUR) * HOUR
