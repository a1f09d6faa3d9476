"""Nonces of accepted signed requests, so a replay is refused (SignatureNonceUsed).

A nonce is remembered for as long as the request that carried it could still be accepted: until
its signed date leaves the freshness window (a request dated ahead of the clock stays fresh
longer), and at least the replay window after it arrived. What is kept is bounded: a fixed-size
digest per nonce (a long nonce costs no more than a short one) and at most `max_entries` of them,
those whose window ends soonest forgotten first.
"""

from __future__ import annotations

import hashlib
import heapq
import threading
from typing import Any

DIGEST_SIZE = 16
ENTRY_BYTES = 150  # about what one remembered nonce costs in memory (digest, expiry, dict and heap slots)


class NonceCache:
    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self._expiry: dict[bytes, float] = {}  # digest → Unix time after which it is forgotten
        self._queue: list[tuple[float, int, bytes]] = []  # (expiry, arrival, digest), a heap: next to forget first
        self._arrivals = 0
        self._lock = threading.Lock()

    @staticmethod
    def _digest(nonce: str) -> bytes:
        return hashlib.blake2b(nonce.encode("utf-8", "surrogatepass"), digest_size=DIGEST_SIZE).digest()

    def _forget_expired(self, now: float) -> None:
        queue, expiry = self._queue, self._expiry
        while queue and (queue[0][0] <= now or len(expiry) > self.max_entries):
            when, _, digest = heapq.heappop(queue)
            if expiry.get(digest) == when:
                del expiry[digest]

    def seen(self, nonce: str, now: float) -> bool:
        """Whether `nonce` belongs to a request accepted earlier that could still be accepted."""
        with self._lock:
            self._forget_expired(now)
            return self._digest(nonce) in self._expiry

    def remember(self, nonce: str, until: float, now: float) -> None:
        """Remember `nonce` until the Unix time `until`."""
        digest = self._digest(nonce)
        with self._lock:
            if until > self._expiry.get(digest, 0.0):
                self._expiry[digest] = until
                self._arrivals += 1
                heapq.heappush(self._queue, (until, self._arrivals, digest))
            self._forget_expired(now)

    def claim(self, nonce: str, until: float, now: float) -> bool:
        """Remember `nonce` until `until` unless it is remembered already: whether it was new."""
        with self._lock:
            self._forget_expired(now)
            if self._digest(nonce) in self._expiry:
                return False
        self.remember(nonce, until, now)
        return True

    def clear(self) -> None:
        with self._lock:
            self._expiry.clear()
            self._queue.clear()

    def __len__(self) -> int:
        return len(self._expiry)


class SharedNonces:
    """The nonces of every worker of an emulator, in its store: a nonce is accepted once,
    whichever worker gets it. Kept as their 16-byte digests, at most `max_entries`."""

    def __init__(self, store: Any, max_entries: int = 100_000) -> None:
        self.store, self.max_entries = store, max_entries

    def claim(self, nonce: str, until: float, now: float) -> bool:
        return bool(self.store.remember_nonce(NonceCache._digest(nonce), until, now, self.max_entries))

    def clear(self) -> None:
        self.store.clear_nonces()
