"""A directory's mappings after writes: a flat dict that is never changed, and the few entries the
writes since changed on top of it.

Why: a write makes a new directory; copying every mapping for each one would make a write cost
the size of the directory (thousands of keys created: a millisecond each). A draft copies only the
changes on top; once they are a sixteenth of the whole they are folded into a new flat dict, so a
write costs O(1) amortized and a lookup at most two dict lookups.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
_GONE: Any = object()  # a deleted entry, on top of one the flat dict still has
FOLD = 64  # changes kept on top at least before folding (and at most a sixteenth of the whole)


def _get(base: Mapping[K, V], top: dict[K, V], key: K) -> V:
    if key in top:
        value = top[key]
        if value is _GONE:
            raise KeyError(key)
        return value
    return base[key]


def _iter(base: Mapping[K, V], top: dict[K, V]) -> Iterator[K]:
    if not top:
        yield from base
        return
    for key in base:
        if top.get(key, None) is not _GONE:
            yield key
    for key, value in top.items():
        if value is not _GONE and key not in base:
            yield key


class Layered(Mapping[K, V], Generic[K, V]):
    """An immutable mapping: `base` with `top`'s entries over it, in base's order then top's new ones."""

    __slots__ = ("base", "top", "_len")

    def __init__(self, base: Mapping[K, V], top: dict[K, V], length: int) -> None:
        self.base, self.top, self._len = base, top, length

    def __getitem__(self, key: K) -> V:
        return _get(self.base, self.top, key)

    def __iter__(self) -> Iterator[K]:
        return _iter(self.base, self.top)

    def __len__(self) -> int:
        return self._len


class DraftMap(MutableMapping[K, V], Generic[K, V]):
    """A draft's copy of one mapping: changes go on top, the flat dict underneath is shared."""

    __slots__ = ("base", "top", "_len")

    def __init__(self, of: Mapping[K, V]) -> None:
        if isinstance(of, Layered):
            self.base, self.top = of.base, dict(of.top)
        else:
            self.base, self.top = of, {}
        self._len = len(of)

    def __getitem__(self, key: K) -> V:
        found: V = _get(self.base, self.top, key)
        return found

    def __contains__(self, key: object) -> bool:
        try:
            _get(self.base, self.top, key)
        except KeyError:
            return False
        return True

    def __setitem__(self, key: K, value: V) -> None:
        if key not in self:
            self._len += 1
        self.top[key] = value

    def __delitem__(self, key: K) -> None:
        _get(self.base, self.top, key)  # KeyError if absent
        if key in self.base:
            self.top[key] = _GONE
        else:
            del self.top[key]
        self._len -= 1

    def __iter__(self) -> Iterator[K]:
        return _iter(self.base, self.top)

    def __len__(self) -> int:
        return self._len

    def published(self) -> Mapping[K, V]:
        """The mapping as the new directory holds it: flat again once the changes are many."""
        if not self.top:
            return self.base
        if len(self.top) < max(FOLD, len(self.base) // 16):
            return Layered(self.base, self.top, self._len)
        return {k: _get(self.base, self.top, k) for k in _iter(self.base, self.top)}
