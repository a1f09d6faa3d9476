"""Fixtures of the surfaces' tests: one CLI with two workers for a module, reset around each test."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from state_helpers import Output, settled_reset, start, stop


@pytest.fixture(scope="module")
def workers() -> Iterator[tuple[str, Output]]:
    """One CLI with two workers for the module; its stderr as it comes."""
    proc: subprocess.Popen[str] | None = None
    try:
        proc, url, output = start("--workers", "2")
        yield url, output
    finally:
        if proc is not None:
            stop(proc)


@pytest.fixture
def url(workers: tuple[str, Output]) -> Iterator[str]:
    settled_reset(workers[0])
    yield workers[0]
    settled_reset(workers[0])
