"""The scenario: GET /_emulator/health, /config and /scenario, and the fixture file it is loaded from:
whatever is changed in it loads or is one ScenarioError naming the field in the file's own terms
(cycles, deep nesting, figures that cannot be held), secrets never quoted, the largest figures
accepted served."""

from __future__ import annotations

import asyncio
import copy
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import API, DAY, DEFAULT_FIXTURE, MARCH_1, fixture_file, ts, with_calls_per_day
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.auth.accounts import load_accounts
from emulator.domain.scenario import ScenarioError, default_fixture_path, load_scenario
from emulator.server import Emulator
from emulator.service import Service
from emulator.settings import Settings
from emulator.wire import WireRequest


def test_health_config_and_scenario(http: httpx.Client) -> None:
    assert http.get("/_emulator/health").json()["status"] == "ok"
    config = http.get("/_emulator/config").json()
    assert config["seed"] == 0 and config["auth"] == "verify" and config["hourly_max_days"] == 7
    scenario = http.get("/_emulator/scenario").json()
    qwen = next(m for m in scenario["models"] if m["id"] == 1)
    assert (qwen["code"], qwen["name"], qwen["type"]) == ("qwen-plus", "通义千问-Plus", "text")
    assert qwen["prices"] == {"input_tokens": {"yuan": "0.0008", "per": 1000},
                              "output_tokens": {"yuan": "0.002", "per": 1000}}
    assert len(scenario["models"]) >= 10 and len({m["type"] for m in scenario["models"]}) >= 5
    org = scenario["organizations"][0]
    dep2 = next(d for d in org["departments"] if d["id"] == 2)
    assert {m["id"] for m in dep2["members"]} == {1001, 1002, 1003}
    assert all(m["name"] for m in dep2["members"])  # Faker fills names the file leaves open
    assert {k["id"] for k in dep2["apiKeys"]} == {5101, 5102, 5103, 5104, 5105}


def _fixture_with(tmp_path: Path, change: dict[int, int | None]) -> Path:
    doc = json.loads(default_fixture_path().read_text())
    deps = doc["organizations"][0]["departments"]
    for dep_id, parent in change.items():
        deps.append({"id": dep_id, "name": f"d{dep_id}", "parentId": parent})
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return path


def test_department_cycles_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="its own ancestor"):
        Service(Settings(fixtures=str(_fixture_with(tmp_path, {901: 902, 902: 901}))))
    with pytest.raises(ScenarioError, match="its own ancestor"):
        Service(Settings(fixtures=str(_fixture_with(tmp_path, {903: 903}))))
    chain = {1000 + i: (1000 + i - 1 if i else 1) for i in range(100)}
    with pytest.raises(ScenarioError, match="levels"):
        Service(Settings(fixtures=str(_fixture_with(tmp_path, chain))))


def test_a_path_for_the_fixture_file(tmp_path: Path) -> None:
    """Emulator(fixtures=Path(...)) is the same as its text; the config shows it as text."""
    path = tmp_path / "copy.json"
    path.write_bytes(default_fixture_path().read_bytes())
    with Emulator(fixtures=path) as emu:
        r = httpx.get(emu.url + "/_emulator/config")
        assert r.status_code == 200 and r.json()["fixtures"] == str(path)
        emu.check()


def test_secrets_are_never_quoted(tmp_path: Path) -> None:
    doc = json.loads(default_fixture_path().read_text())
    doc["accounts"][0]["accessKeySecret"] = "my real secret with spaces"
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    with pytest.raises(ScenarioError) as info:
        Service(Settings(fixtures=str(path)))
    assert "accessKeySecret" in str(info.value) and "my real secret" not in str(info.value)


def node_paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from node_paths(child, (*prefix, key))


PATHS = list(node_paths(DEFAULT_FIXTURE))
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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutations, min_size=1, max_size=3))
def test_a_mutated_default_fixture_loads_or_is_one_scenario_error(changes: list[tuple[Any, ...]]) -> None:
    """Whatever node of the default fixture is replaced, added or removed, loading it succeeds or
    raises ScenarioError, never another exception; and a Service that loads answers without a bug."""
    doc = copy.deepcopy(DEFAULT_FIXTURE)
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
    doc = mutate(copy.deepcopy(DEFAULT_FIXTURE), ("replace", where, value))
    path = fixture_file(doc, tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, 0)
    assert str(info.value).startswith(f"fixture file {path}: {field}: "), str(info.value)


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
        for model in DEFAULT_FIXTURE["models"]:
            for year in range(2023, 2031):  # every day of the data window, and one day hour by hour
                spans = [(ts(year, 1, 1), ts(year + 1, 1, 1), page) for page in (1, 2, 3, 4)]
                for start, end, page in spans + [(MARCH_1, MARCH_1 + DAY, 1)] * (year == 2024):
                    r = client.get(API, params={"modelId": model["id"], "startTime": start, "endTime": end,
                                                "pageSize": 100, "page": page})  # the whole organisation
                    assert r.status_code == 200, r.text[:300]
                    for row in r.json()["data"]["rows"]:
                        assert all(0 <= v < 2**63 for v in json.loads(row["values"]).values()), row
        emu.check()
