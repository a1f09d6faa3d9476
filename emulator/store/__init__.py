"""The store of what changes at run time (`emulator.store.sqlite`), and how the parts of the
world that change write to it: each takes a `Commit`, which runs a function inside one write
transaction of the store, after the world has caught up with every change (under the store's
write lock), and has the world apply the change when it commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
Commit = Callable[[Callable[[Any], T]], T]  # commit(write): write(writer) inside one transaction


def in_memory(write: Callable[[Any], T]) -> T:
    """A Commit for a part used alone (a unit test): no store, the change is applied at once."""
    return write(None)
