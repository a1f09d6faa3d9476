"""Fixtures on top of the package's own pytest plugin (aicontent_emulator, aicontent_client), and
a check that the suite leaves no process of its own running."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator.server import Emulator

pytest_plugins = ["pytester"]
RUN_MARK = "AICONTENT_EMULATOR_TEST_RUN"  # set in the environment every process of the run inherits


@pytest.fixture
def http(aicontent_emulator: Emulator) -> Iterator[httpx.Client]:
    """Raw HTTP to the session's emulator, over a real socket (httpx sends Accept: */*)."""
    with httpx.Client(base_url=aicontent_emulator.url, timeout=10) as client:
        yield client


@pytest.fixture
def cli_processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test started with `helpers.start_cli` (each leads its own process group);
    stopped with their workers at the end: SIGTERM to the group, then SIGKILL."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    from helpers import stop_group  # here, not at the top: pytester runs a copy of this file alone

    for p in procs:
        stop_group(p)


def pytest_sessionstart(session: pytest.Session) -> None:
    os.environ.setdefault(RUN_MARK, uuid.uuid4().hex)


def ours_still_running() -> list[str]:
    """Processes (other than this one) that inherited this run's mark: what the run started."""
    mark = f"{RUN_MARK}={os.environ[RUN_MARK]}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark in (entry / "environ").read_bytes().split(b"\0"):
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{entry.name}: {cmdline[:120]}")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a process it started is still running (an orphaned worker, say)."""
    if not Path("/proc/self/environ").exists() or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    deadline = time.monotonic() + 5
    left = ours_still_running()
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = ours_still_running()
    if left:
        session.config.get_terminal_writer().line(
            "processes started by this test run are still running:\n  " + "\n  ".join(left), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
