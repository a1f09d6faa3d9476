"""Fixtures on top of the package's own pytest plugin (aicontent_emulator, aicontent_client)."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from emulator.server import Emulator

pytest_plugins = ["pytester"]


@pytest.fixture
def http(aicontent_emulator: Emulator) -> Iterator[httpx.Client]:
    """Raw HTTP to the session's emulator, over a real socket."""
    with httpx.Client(base_url=aicontent_emulator.url, timeout=10) as client:
        yield client
