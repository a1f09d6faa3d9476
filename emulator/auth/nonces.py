"""Nonces seen recently, so a replayed signed request is refused (SignatureNonceUsed)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class NonceCache:
    """Remembers each nonce for `ttl_seconds`; bounded so a flood cannot grow it without end."""

    def __init__(self, ttl_seconds: float, max_entries: int = 200_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._seen: OrderedDict[str, float] = OrderedDict()  # nonce → expiry, oldest first
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._seen:
            nonce, expiry = next(iter(self._seen.items()))
            if expiry > now and len(self._seen) < self.max_entries:
                return
            self._seen.popitem(last=False)

    def seen(self, nonce: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._expire(now)
            return nonce in self._seen

    def remember(self, nonce: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._expire(now)
            self._seen[nonce] = now + self.ttl

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

    def __len__(self) -> int:
        return len(self._seen)
