"""Fixtures of the pipeline's tests: an emulator with auth=required (one per module, reset before
each test and checked after), and the session's emulator for hostile input, which must answer
normally right after."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from helpers import API, DAY, MARCH_1

from emulator.server import Emulator

OK = f"modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}"  # model-detail's required parameters


@pytest.fixture(scope="module")
def strict() -> Iterator[Emulator]:
    """An emulator with auth=required, one per test module."""
    with Emulator(auth="required") as emu:
        yield emu


@pytest.fixture
def emu(strict: Emulator) -> Iterator[Emulator]:
    """The module's auth=required emulator, reset before the test; a bug inside it fails the test."""
    strict.reset()
    yield strict
    strict.check()


@pytest.fixture
def hostile(aicontent_emulator: Emulator) -> Iterator[Emulator]:
    """The session's emulator, for hostile input: each request gets its documented 4xx ..."""
    yield aicontent_emulator
    # ... and the server answers normally right after.
    r = httpx.get(f"{aicontent_emulator.url}{API}?{OK}", timeout=5)
    assert r.status_code == 200 and r.json()["data"]["total"] == 24
