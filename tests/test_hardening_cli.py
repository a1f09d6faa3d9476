"""Regression tests of the hardening work on start-up: a fixture file the emulator cannot serve is
refused before listening, with one line naming the file and the fault (never a traceback, never
a server that answers 500 to everything), and the CLI's other start-up failures."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import API, DAY, MARCH_1, ts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emulator
from emulator.auth.accounts import load_accounts
from emulator.domain.scenario import ScenarioError, default_fixture_path, load_scenario
from emulator.server import Emulator
from emulator.service import Service
from emulator.settings import Settings
from emulator.wire import WireRequest

DEFAULT = json.loads(default_fixture_path().read_text())
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


def fixture_file(doc: Any, directory: Path, name: str = "fixture.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return path


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
    doc = copy.deepcopy(DEFAULT)
    statement = doc["policies"]["DenyModelRouterBilling"]["Statement"][0]
    statement["Condition"] = [{"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}]
    return doc


# -- 10. a fixture policy whose Condition is a list ------------------------------------------
def test_a_condition_list_is_refused_at_start_in_one_line(tmp_path: Path) -> None:
    path = fixture_file(with_condition_list(), tmp_path)
    line = assert_one_line_refusal(run_cli("--fixtures", str(path)), path, "DenyModelRouterBilling")
    assert line.startswith(f"aicontent-emulator: fixture file {path}:")
    with pytest.raises(ScenarioError, match="DenyModelRouterBilling"):
        Service(Settings(fixtures=str(path)))


def node_paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from node_paths(child, (*prefix, key))


PATHS = list(node_paths(DEFAULT))
FIELD_NAMES = sorted({k for p in PATHS for k in p if isinstance(k, str)} | {
    "usageEvents", "callsPerDay", "popularity", "Condition", "NotAction", "Sid", "memberId", "parentId",
    "departmentIds", "startTime", "endTime", "factor", "set", "apiKeyId"})
json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.text(max_size=12) | st.integers(-(2**70), 2**70)
    | st.sampled_from([0, -1, 1, 2**31, 2**63 - 1, 2**63, 10**15, 10**300, "", "*", "1", "aicontent:*"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(FIELD_NAMES) | st.text(max_size=6), children, max_size=4),
    max_leaves=12)
mutations = st.one_of(
    st.tuples(st.just("replace"), st.sampled_from(PATHS), json_values),
    st.tuples(st.just("insert"), st.sampled_from(PATHS), st.sampled_from(FIELD_NAMES), json_values),
    st.tuples(st.just("delete"), st.sampled_from(PATHS[1:])),
)


def mutate(doc: Any, mutation: tuple[Any, ...]) -> Any:
    """`doc` with one node replaced, one key inserted into an object, or one node removed (a
    path that an earlier mutation removed is left alone)."""
    kind, path = mutation[0], mutation[1]
    if kind == "replace" and not path:
        return mutation[2]
    parent: Any = doc
    for key in path[:-1] if kind != "insert" else path:
        if not isinstance(parent, (dict, list)) or (isinstance(parent, list) and not isinstance(key, int)):
            return doc
        try:
            parent = parent[key]
        except (KeyError, IndexError):
            return doc
    if kind == "insert":
        if isinstance(parent, dict):
            parent[mutation[2]] = mutation[3]
        return doc
    last = path[-1]
    if isinstance(parent, dict) and last in parent or isinstance(parent, list) and isinstance(last, int) \
            and last < len(parent):
        if kind == "replace":
            parent[last] = mutation[2]
        else:
            del parent[last]
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutations, min_size=1, max_size=3))
def test_a_mutated_default_fixture_loads_or_is_one_scenario_error(changes: list[tuple[Any, ...]]) -> None:
    """Whatever node of the default fixture is replaced, added or removed, loading it succeeds or
    raises ScenarioError, never another exception; and a Service that loads answers without a bug."""
    doc = copy.deepcopy(DEFAULT)
    for change in changes:
        doc = mutate(doc, change)
    with tempfile.TemporaryDirectory() as directory:
        path = fixture_file(doc, Path(directory))
        try:
            load_accounts(load_scenario(path, 0))
        except ScenarioError:
            pass
        try:
            service = Service(Settings(fixtures=str(path)))
        except ScenarioError:
            return
    model_id = min(service.scenario.models)
    query = f"modelId={model_id}&startTime={MARCH_1}&endTime={MARCH_1 + 31 * DAY}"
    reply = asyncio.run(service.handle(WireRequest("GET", API, API, query, [("host", "emulator")])))
    assert reply.status != 500 and not service.unexpected, (reply.body[:300], list(service.unexpected))


@pytest.mark.parametrize("where, value, field", [
    (("models", 0, "prices", "input_tokens", "yuan"), None, "models.0.prices.input_tokens.yuan"),
    (("models", 7, "prices", "image_count", "yuan"), False, "models.7.prices.image_count.yuan"),
    (("accounts", 1, "policies", 0), 5, "accounts.1.policies.0"),
])
def test_a_fixture_error_names_the_field_in_the_files_terms(tmp_path: Path, where: tuple[Any, ...], value: Any,
                                                            field: str) -> None:
    """The dotted path of the file's own keys, without the validator's internal names."""
    doc = mutate(copy.deepcopy(DEFAULT), ("replace", where, value))
    path = fixture_file(doc, tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, 0)
    assert str(info.value).startswith(f"fixture file {path}: {field}: "), str(info.value)


# -- 11. figures beyond what the emulator can hold -------------------------------------------
def with_calls_per_day(calls: int, key_id: int = 5001) -> dict[str, Any]:
    doc = copy.deepcopy(DEFAULT)
    for org in doc["organizations"]:
        for department in org["departments"]:
            for key in department["apiKeys"]:
                if key["id"] == key_id:
                    key["callsPerDay"] = calls
    return doc


def test_huge_figures_are_refused_at_start(tmp_path: Path) -> None:
    path = fixture_file(with_calls_per_day(10**15), tmp_path)
    line = assert_one_line_refusal(run_cli("--fixtures", str(path)), path, "2^63-1")
    model = re.search(r"model (\d+) \(([^)]+)\)", line)
    assert model is not None, line
    assert {"id": int(model[1]), "code": model[2]} in [{"id": m["id"], "code": m["code"]} for m in DEFAULT["models"]]
    with pytest.raises(ScenarioError, match=re.escape("2^63-1")):
        Service(Settings(fixtures=str(path)))


def loads(calls: int, directory: Path) -> bool:
    try:
        Service(Settings(fixtures=str(fixture_file(with_calls_per_day(calls), directory, f"calls-{calls}.json"))))
    except ScenarioError:
        return False
    return True


def test_the_largest_figures_accepted_are_served(tmp_path: Path) -> None:
    """At the largest callsPerDay that loads, every model answers 200 with figures that fit."""
    low, high = 0, 10**15
    assert loads(low, tmp_path) and not loads(high, tmp_path)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if loads(middle, tmp_path) else (low, middle)
    assert low > 10**6  # room for a busy key, not a limit that refuses ordinary fixtures
    path = fixture_file(with_calls_per_day(low), tmp_path, "largest.json")
    with Emulator(fixtures=str(path)) as emu, httpx.Client(base_url=emu.url, timeout=30) as client:
        for model in DEFAULT["models"]:
            for year in range(2023, 2031):  # every day of the data window, and one day hour by hour
                spans = [(ts(year, 1, 1), ts(year + 1, 1, 1), page) for page in (1, 2, 3, 4)]
                for start, end, page in spans + [(MARCH_1, MARCH_1 + DAY, 1)] * (year == 2024):
                    r = client.get(API, params={"modelId": model["id"], "startTime": start, "endTime": end,
                                                "pageSize": 100, "page": page})  # the whole organisation
                    assert r.status_code == 200, r.text[:300]
                    for row in r.json()["data"]["rows"]:
                        assert all(0 <= v < 2**63 for v in json.loads(row["values"]).values()), row
        emu.check()


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
