"""The fixtures most action tests share: one emulator at the writes' data clock for a module
(`server`), reset before each test and checked for the emulator's own bugs after it (`emu`). A
module that needs other settings defines its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from writes_helpers import fresh, started

from emulator.server import Emulator


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    yield from started()


@pytest.fixture
def emu(server: Emulator) -> Iterator[Emulator]:
    yield from fresh(server)
