"""The command line: a real process, its banner, flags, environment variables and stopping; and its
start-up refusals (a fixture file it cannot serve, a port in use), each one line naming the file and
the fault, never a traceback, with nothing left running."""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import DAY, DEFAULT_FIXTURE, MARCH_1, fixture_file, get, start_cli, with_calls_per_day

import emulator
from emulator.domain.scenario import ScenarioError
from emulator.service import Service
from emulator.settings import Settings


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


# -- start-up refusals: one line naming the file and the fault, never a traceback -----------
CODE_ROOT = str(Path(emulator.__file__).resolve().parent.parent)  # the code under test, for the CLI's process
PROBE = "AICONTENT_HARDENING_PROBE"


def run_cli(*args: str, probe: str = "") -> subprocess.CompletedProcess[str]:
    """The CLI, expected to refuse to start: its exit status and output (killed after 30 s)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [CODE_ROOT, os.environ.get("PYTHONPATH")])),
           PROBE: probe}
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(
            f"the CLI was still running after 30 s; stdout: {out[:300]!r} stderr: {err[-600:]!r}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def assert_one_line_refusal(proc: subprocess.CompletedProcess[str], path: Path, *fragments: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-600:])
    assert "Traceback" not in proc.stderr and "listening" not in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr[-1000:]
    assert lines[0].startswith(f"aicontent-emulator: fixture file {path}"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def with_condition_list() -> dict[str, Any]:
    doc = copy.deepcopy(DEFAULT_FIXTURE)
    statement = doc["policies"]["DenyModelRouterBilling"]["Statement"][0]
    statement["Condition"] = [{"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}]
    return doc


# -- a fixture policy whose Condition is a list ---------------------------------------------
def test_a_condition_list_is_refused_at_start_in_one_line(tmp_path: Path) -> None:
    path = fixture_file(with_condition_list(), tmp_path)
    line = assert_one_line_refusal(run_cli("--fixtures", str(path)), path, "DenyModelRouterBilling")
    assert line.startswith(f"aicontent-emulator: fixture file {path}:")
    with pytest.raises(ScenarioError, match="DenyModelRouterBilling"):
        Service(Settings(fixtures=str(path)))


def test_huge_figures_are_refused_at_start(tmp_path: Path) -> None:
    path = fixture_file(with_calls_per_day(10**15), tmp_path)
    line = assert_one_line_refusal(run_cli("--fixtures", str(path)), path, "2^63-1")
    model = re.search(r"model (\d+) \(([^)]+)\)", line)
    assert model is not None, line
    assert {"id": int(model[1]), "code": model[2]} in [{"id": m["id"], "code": m["code"]}
                                                       for m in DEFAULT_FIXTURE["models"]]
    with pytest.raises(ScenarioError, match=re.escape("2^63-1")):
        Service(Settings(fixtures=str(path)))


# -- the CLI's other refusals ----------------------------------------------------------------
def processes_with(probe: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"{PROBE}={probe}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_workers_with_a_bad_fixture_refuse_before_listening(tmp_path: Path) -> None:
    """With --workers 2 the fixture is checked before listening: one line, exit 2, nothing left running."""
    path = fixture_file(with_condition_list(), tmp_path)
    probe = uuid.uuid4().hex
    proc = run_cli("--workers", "2", "--fixtures", str(path), probe=probe)
    assert_one_line_refusal(proc, path, "DenyModelRouterBilling")
    deadline = time.monotonic() + 5
    while processes_with(probe) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with(probe) == []


def test_a_port_in_use_suggests_port_zero() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_cli("--port", str(port))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "listening" not in proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1 and f"127.0.0.1:{port}" in proc.stderr
    assert "--port 0" in proc.stderr


def test_fixture_errors_name_the_file(tmp_path: Path) -> None:
    not_json = tmp_path / "not-json.json"
    not_json.write_text("{'models': []")
    assert_one_line_refusal(run_cli("--fixtures", str(not_json)), not_json, "not valid JSON")
    missing = tmp_path / "missing.json"
    proc = run_cli("--fixtures", str(missing))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"aicontent-emulator: cannot read fixture file {missing}: No such file or directory"
