"""The request journal (CONTRACT §7): what each API request was and how it was answered.

Bounded (the oldest entries go first) so a long soak keeps memory flat; `total` still counts
every request since the last reset.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class JournalEntry:
    arrived: float  # Unix time the request arrived
    method: str
    path: str
    query: str
    accessKeyId: str | None
    status: int
    errorCode: str | None
    requestId: str
    latencyMs: float

    @property
    def time(self) -> str:
        """When the request arrived, ISO 8601 UTC (formatted when read, not on the request path)."""
        return dt.datetime.fromtimestamp(self.arrived, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def public(self) -> dict[str, Any]:
        out = asdict(self)
        out = {"time": self.time, **{k: v for k, v in out.items() if k != "arrived"}}
        return out


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
