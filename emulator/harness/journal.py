"""The request journal: what each API request was and how it was answered.

Bounded twice, so a long soak or hostile input keeps memory flat: at most `size` entries (the
oldest go first; `total` still counts every request since the last reset), and each text an
entry keeps is cut to a fixed length (PATH, QUERY, KEY, REASON characters), marked "…".
Python names are snake_case; `public()` gives the wire's camelCase.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
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
    """The entries of one emulator. Alone (no store) it keeps them in this process. With a store
    each worker records into a buffer, which a background thread writes to the store every
    FLUSH seconds (and before every read), so every worker's requests are in the journal within
    100 ms and a request never waits for the store."""

    FLUSH = 0.05

    def __init__(self, size: int, store: Any = None) -> None:
        self.size = size
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._total = 0
        self._lock = threading.Lock()
        self._store = store
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None
        if store is not None:
            self._flusher = threading.Thread(target=self._flush_loop, name="aicontent-journal", daemon=True)
            self._flusher.start()

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            self._total += 1

    def _flush_loop(self) -> None:
        while not self._stop.wait(self.FLUSH):
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - a store closing under us: the next read says it
                pass

    def flush(self) -> None:
        """Write the buffered entries to the store (a no-op without one)."""
        if self._store is None:
            return
        with self._lock:
            pending = list(self._entries)
            self._entries.clear()
        if pending:
            self._store.append_journal([(e.arrived, json.dumps(e, separators=(",", ":"))) for e in pending], self.size)

    def entries(self, limit: int | None = None) -> list[JournalEntry]:
        """The newest `limit` entries (None: every one kept), oldest first."""
        if self._store is None:
            with self._lock:
                kept = list(self._entries)
            return kept if limit is None else kept[-limit:] if limit else []
        self.flush()
        return [JournalEntry(*json.loads(r)) for r in self._store.read_journal(self.size if limit is None
                                                                               else min(limit, self.size))]

    @property
    def total(self) -> int:
        """Requests since the last reset, whether or not they are still kept."""
        if self._store is None:
            return self._total
        self.flush()
        return int(self._store.journal_total())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._total = 0
        if self._store is not None:
            self._store.clear_journal(time.time())

    def close(self) -> None:
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join(timeout=2)
            self.flush()
