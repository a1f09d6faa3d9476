"""Tuples that hash once: the figures' key sets, and the model sets and key sets of the ledgers."""

from __future__ import annotations

from typing import Any


class Once(tuple[Any, ...]):
    """A tuple that hashes once: such tuples are cache keys on every request, and a large one
    (thousands of keys created) would otherwise be hashed again at every lookup."""

    def __hash__(self) -> int:
        found: int | None = self.__dict__.get("hash")
        if found is None:
            found = self.__dict__["hash"] = tuple.__hash__(self)
        return found

    def __eq__(self, other: object) -> bool:
        return self is other or tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other


class KeySet(Once):
    """A set of API keys (`ApiKey`) as the figures take it."""
