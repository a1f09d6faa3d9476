"""The world's version, shared by every process of one emulator through a small memory-mapped
file beside the store: reading it is one 8-byte load, so a request learns that another worker
changed something without asking the store.

A writer sets it while it holds the store's write lock and before it commits, so it only grows;
a reader that sees it ahead of what it loaded loads again (possibly before the commit is visible:
then the version it loaded from the store is still behind, and the next request loads again).
"""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path

_FORMAT = struct.Struct("<Q")


class SharedVersion:
    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _FORMAT.size:
                os.ftruncate(fd, _FORMAT.size)
            self._map = mmap.mmap(fd, _FORMAT.size)
        finally:
            os.close(fd)

    def get(self) -> int:
        return int(_FORMAT.unpack_from(self._map, 0)[0])

    def set(self, value: int) -> None:
        _FORMAT.pack_into(self._map, 0, value)

    def close(self) -> None:
        self._map.close()
