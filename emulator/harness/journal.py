"""The request journal: what each API request was and how it was answered.

Bounded twice, so a long soak or hostile input keeps memory flat: at most `size` entries (the
oldest go first; `total` still counts every request since the last reset), and each text an
entry keeps is cut to a fixed length (PATH, QUERY, KEY, REASON characters), marked "…".
Python names are snake_case; `public()` gives the wire's camelCase.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from typing import Any, NamedTuple

# The most characters an entry keeps of each text: a journal of 10,000 entries stays under ~40 MB.
PATH, QUERY, KEY, REASON = 256, 2048, 128, 1024


def clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


class JournalEntry(NamedTuple):  # a tuple: made on every request, cheaply
    arrived: float  # Unix time the request arrived
    method: str
    path: str
    query: str
    access_key_id: str | None
    status: int
    error_code: str | None
    request_id: str
    latency_ms: float
    reason: str | None = None  # the emulator's own explanation of an error
    action: str | None = None  # the action the request was routed to (None: no action has its path)

    @classmethod
    def bounded(cls, arrived: float, method: str, path: str, query: str, access_key_id: str | None,
                status: int, error_code: str | None, request_id: str, latency_ms: float,
                reason: str | None = None, action: str | None = None) -> JournalEntry:
        """An entry with every text cut to its limit."""
        if len(path) > PATH or len(query) > QUERY or (access_key_id and len(access_key_id) > KEY) or reason:
            path, query = clip(path, PATH) or "", clip(query, QUERY) or ""
            access_key_id, reason = clip(access_key_id, KEY), clip(reason, REASON)
        return cls(arrived, method[:16], path, query, access_key_id, status, error_code, request_id, latency_ms,
                   reason, action)

    @property
    def time(self) -> str:
        """When the request arrived, ISO 8601 UTC (formatted when read, not on the request path)."""
        return dt.datetime.fromtimestamp(self.arrived, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def public(self) -> dict[str, Any]:
        return {"time": self.time, "method": self.method, "path": self.path, "query": self.query,
                "accessKeyId": self.access_key_id, "status": self.status, "errorCode": self.error_code,
                "requestId": self.request_id, "latencyMs": self.latency_ms, "reason": self.reason,
                "action": self.action}


class Journal:
    def __init__(self, size: int) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self.total = 0
        self._lock = threading.Lock()

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            self.total += 1

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.total = 0
