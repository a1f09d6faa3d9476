"""The command line: a real process, its banner, flags, environment variables and stopping."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from helpers import DAY, MARCH_1, get

BANNER = re.compile(r"aicontent-emulator listening on http://127\.0\.0\.1:(\d+) \(seed (\d+), auth (\w+), workers (\d+)\)")


def start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--log-level", "warning", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = BANNER.search(line)
    assert match, f"no banner in {line!r}; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
    return proc, int(match.group(1))


@pytest.fixture
def stop_later() -> Iterator[list[subprocess.Popen]]:
    procs: list[subprocess.Popen] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(5)


def test_port_zero_prints_the_port_and_serves(stop_later: list) -> None:
    proc, port = start()
    stop_later.append(proc)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
        assert c.get("/_emulator/health").status_code == 200
        assert get(c, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY).status_code == 200


def test_environment_variables_and_flags(stop_later: list, tmp_path: Path) -> None:
    proc, port = start("--auth", "required", env={"AICONTENT_EMULATOR_SEED": "17", "AICONTENT_EMULATOR_AUTH": "off"})
    stop_later.append(proc)
    config = httpx.get(f"http://127.0.0.1:{port}/_emulator/config").json()
    assert config["seed"] == 17 and config["auth"] == "required"  # the flag beats the variable


def test_custom_fixture_file(stop_later: list, tmp_path: Path) -> None:
    from emulator.domain.scenario import default_fixture_path

    doc = json.loads(default_fixture_path().read_text())
    doc["models"][0]["name"] = "自定义模型"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    proc, port = start("--fixtures", str(path))
    stop_later.append(proc)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
        assert get(c, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY).json()["data"]["modelName"] == "自定义模型"


@pytest.mark.parametrize("args, fragment", [
    (["--auth", "sometimes"], "auth must be one of"),
    (["--seed", "-1"], "seed must be"),
    (["--fixtures", "/nonexistent/x.json"], "cannot read fixture file"),
])
def test_bad_settings_exit_2_with_a_message(args: list[str], fragment: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", *args], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2 and fragment in proc.stderr


def test_sigterm_stops_cleanly(stop_later: list) -> None:
    proc, port = start()
    stop_later.append(proc)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    assert time.monotonic() - started < 3
