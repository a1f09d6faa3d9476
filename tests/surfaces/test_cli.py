"""The command line: a real process, its banner, flags, environment variables and stopping."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from helpers import DAY, MARCH_1, get, start_cli


def test_port_zero_prints_the_port_and_serves(cli_processes: list) -> None:
    proc, url = start_cli()
    cli_processes.append(proc)
    with httpx.Client(base_url=url) as c:
        assert c.get("/_emulator/health").status_code == 200
        assert get(c, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY).status_code == 200


def test_environment_variables_and_flags(cli_processes: list) -> None:
    proc, url = start_cli("--auth", "required", env={"AICONTENT_EMULATOR_SEED": "17", "AICONTENT_EMULATOR_AUTH": "off"})
    cli_processes.append(proc)
    config = httpx.get(f"{url}/_emulator/config").json()
    assert config["seed"] == 17 and config["auth"] == "required"  # the flag beats the variable


def test_custom_fixture_file(cli_processes: list, tmp_path: Path) -> None:
    from emulator.domain.scenario import default_fixture_path

    doc = json.loads(default_fixture_path().read_text())
    doc["models"][0]["name"] = "自定义模型"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    proc, url = start_cli("--fixtures", str(path))
    cli_processes.append(proc)
    with httpx.Client(base_url=url) as c:
        assert get(c, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY).json()["data"]["modelName"] == "自定义模型"


def test_fixture_file_from_the_environment(cli_processes: list, tmp_path: Path) -> None:
    from emulator.domain.scenario import default_fixture_path

    doc = json.loads(default_fixture_path().read_text())
    doc["models"][0]["name"] = "来自环境变量"
    path = tmp_path / "env.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    proc, url = start_cli(env={"AICONTENT_EMULATOR_FIXTURES": str(path)})  # no --fixtures flag
    cli_processes.append(proc)
    with httpx.Client(base_url=url) as c:
        assert get(c, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY).json()["data"]["modelName"] == "来自环境变量"


@pytest.mark.parametrize("args, fragment", [
    (["--auth", "sometimes"], "auth must be one of"),
    (["--seed", "-1"], "seed must be"),
    (["--fixtures", "/nonexistent/x.json"], "cannot read fixture file"),
])
def test_bad_settings_exit_2_with_a_message(args: list[str], fragment: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", *args], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2 and fragment in proc.stderr


def test_sigterm_stops_cleanly(cli_processes: list) -> None:
    proc, _ = start_cli()
    cli_processes.append(proc)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    assert time.monotonic() - started < 3
