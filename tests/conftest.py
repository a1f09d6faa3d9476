"""Fixtures on top of the package's own pytest plugin (aicontent_emulator, aicontent_client)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pytest

from emulator.server import Emulator

pytest_plugins = ["pytester"]


@pytest.fixture
def http(aicontent_emulator: Emulator) -> Iterator[httpx.Client]:
    """Raw HTTP to the session's emulator, over a real socket."""
    with httpx.Client(base_url=aicontent_emulator.url, timeout=10) as client:
        yield client


@pytest.fixture
def cli_processes() -> Iterator[list[subprocess.Popen]]:
    """Processes a test started with `helpers.start_cli`; killed if still running at the end."""
    procs: list[subprocess.Popen] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(10)
