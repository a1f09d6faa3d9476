"""A set of API keys as the figures take it: a tuple that hashes once."""

from __future__ import annotations

from emulator.domain.scenario import ApiKey


class KeySet(tuple[ApiKey, ...]):
    """A tuple of keys that hashes once: key sets are cache keys on every request, and a large
    one (thousands of keys created) would otherwise be hashed again at every lookup."""

    def __hash__(self) -> int:
        found: int | None = self.__dict__.get("hash")
        if found is None:
            found = self.__dict__["hash"] = tuple.__hash__(self)
        return found

    def __eq__(self, other: object) -> bool:
        return self is other or tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other
