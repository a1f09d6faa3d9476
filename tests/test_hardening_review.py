"""Regressions for what the review of the whole change found: overflowing cross-model lanes,
non-ASCII signature headers, unbounded caches, quadratic event adds, department cycles,
path-like settings, stopped emulators kept alive, secrets quoted in messages."""

from __future__ import annotations

import gc
import json
import time
import weakref
from pathlib import Path

import httpx
import pytest
from helpers import DAY, MARCH_1, error_of

from emulator.domain.scenario import ScenarioError, default_fixture_path
from emulator.server import Emulator
from emulator.service import Service
from emulator.settings import Settings
from emulator.validation import FieldError
from emulator.web import ui_routes

JSON = {"accept": "application/json"}
PREFIX = "/api/v1/modelRouter/open/"
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")


def test_set_events_cannot_overflow_the_sums_over_models(aicontent_emulator: Emulator) -> None:
    """Each metric summed over every model is bounded too: a set event that could push a day's
    total_tokens over 2^63-1 across models is refused, and trend still agrees with overview."""
    big = {"input_tokens": 2**53 - 1, "output_tokens": 2**53 - 1}
    refused = None
    for i, (key, model) in enumerate((k, m) for k in (5101, 5102, 5103, 5104) for m in range(1, 7)):
        try:
            aicontent_emulator.usage_events.add(startTime=MARCH_1, endTime=MARCH_1 + DAY, apiKeyId=key,
                                                modelId=model, set=big)
        except FieldError as exc:
            refused = (i, exc)
            break
    assert refused is not None and refused[1].field == "set" and "summed over every model" in refused[1].reason
    q = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY, "granularity": "daily"}
    with httpx.Client(base_url=aicontent_emulator.url, headers=JSON) as c:
        overview = {m["key"]: m["value"] for m in c.get(PREFIX + "billing/cost/overview", params=q).json()["data"]}
        point = json.loads(c.get(PREFIX + "billing/cost/trend", params=q).json()["data"]["points"][0]["values"])
    assert point["total_tokens"] == overview["total_tokens"] > 0


@pytest.mark.parametrize("name", ["%00x.js", "a" * 300 + ".js", "../settings.py", "nope.js"])
def test_dashboard_files_are_a_fixed_set(http: httpx.Client, name: str) -> None:
    """Any other name is a 404, answered without touching the file system or growing a cache."""
    before = dict(ui_routes.FILES)
    r = http.get(f"/_emulator/ui/{name}")
    assert r.status_code == 404 and error_of(r)["Code"] == "InvalidAction.NotFound"
    assert ui_routes.FILES == before


def test_adding_events_costs_the_same_at_any_count() -> None:
    """Checking the room an event leaves is incremental: the 2000th add costs what the first did."""
    service = Service(Settings())

    def add_many(n: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            service.events.add(startTime=MARCH_1 + (i % 500) * 3600, endTime=MARCH_1 + (i % 500 + 1) * 3600, factor=0.5)
        return time.perf_counter() - started

    first = add_many(500)
    add_many(1500)
    later = add_many(500)
    assert later / first < 3  # quadratic: about 4 times (and growing)


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


def test_a_stopped_emulator_is_not_kept_alive() -> None:
    """Nothing process-wide holds on to a service after its emulator stops (the trend texts
    are kept by the service itself)."""
    with Emulator() as emu:
        assert httpx.get(emu.url + PREFIX + "billing/cost/trend", headers=JSON,
                         params={"startTime": MARCH_1, "endTime": MARCH_1 + DAY}).status_code == 200
        ref = weakref.ref(emu.service)
    del emu
    gc.collect()
    assert ref() is None


def test_secrets_are_never_quoted(tmp_path: Path) -> None:
    doc = json.loads(default_fixture_path().read_text())
    doc["accounts"][0]["accessKeySecret"] = "my real secret with spaces"
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    with pytest.raises(ScenarioError) as info:
        Service(Settings(fixtures=str(path)))
    assert "accessKeySecret" in str(info.value) and "my real secret" not in str(info.value)
