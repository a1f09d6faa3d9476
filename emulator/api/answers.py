"""Answers kept: a read's success body is a function of the action, what it asks (the canonical
query and the caller's scope: the token fingerprint), the page, the directory, the forms and the
data state, apart from its request id. So the pipeline keeps recent bodies (bounded by count and
bytes) without their request id, and answers a repeat by putting the new id in front.

The data state is in the key in full: the clock's cutoff and now (a balance depends on now), the
empty-bucket form, and the usage events in force (by identity: the tuple is replaced whenever they
change, and the entry holds it, so an identity is never reused while its entry lives).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

PREFIX = b'{"requestId":"'
MAX_ENTRIES = 4096
MAX_BYTES = 16 * 1024 * 1024


class Answers:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, events: Any, request_id: str) -> bytes | None:
        """The kept body for `key` with `request_id` in it, if the events are the same ones."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
        if found is None or found[0] is not events:
            return None
        return b"".join((PREFIX, request_id.encode("ascii"), found[1]))

    def put(self, key: Hashable, events: Any, request_id: str, body: bytes) -> None:
        head = len(PREFIX) + len(request_id)
        if not body.startswith(PREFIX) or body[len(PREFIX):head] != request_id.encode("ascii") \
                or len(body) > self.max_bytes // 16:
            return  # not a body of this form, or too large to be worth keeping
        tail = body[head:]
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._items[key] = (events, tail)
            self._bytes += len(tail)
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= len(dropped)
