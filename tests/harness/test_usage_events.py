"""Usage events as things: added, listed, removed and cleared through the control API and the
Python API; started from the fixture file and restored on reset; every malformed event refused by
name with nothing changed; the scenario endpoint and the OpenAPI document show them; sums over
every model stay bounded, and adding one costs the same at any count."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import DAY, MARCH_1, get, rows, ts

from emulator.server import Emulator
from emulator.service import Service
from emulator.settings import Settings
from emulator.validation import FieldError

NOON = ts(2024, 3, 1, 12)
HOUR = {"startTime": NOON, "endTime": NOON + 3600}
SET = {"total_calls": 10, "input_tokens": 1000, "output_tokens": 500}
WINDOW_END = ts(2031, 1, 1)  # the day after 2030-12-31, Shanghai


def add(http: httpx.Client, **body: Any) -> dict[str, Any]:
    r = http.post("/_emulator/usage-events", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def listed(http: httpx.Client) -> list[dict[str, Any]]:
    r = http.get("/_emulator/usage-events")
    assert r.status_code == 200
    return list(r.json())


def test_add_list_delete_clear(http: httpx.Client) -> None:
    """POST answers 201 with the event and its id; GET lists in order; DELETE one; DELETE all."""
    assert listed(http) == []
    first = add(http, **HOUR, factor=0, note="outage")
    assert first == {"id": first["id"], **HOUR, "factor": 0, "note": "outage"}
    second = add(http, **HOUR, modelId=1, apiKeyId=5101, set=SET)
    third = add(http, startTime=MARCH_1, endTime=MARCH_1 + DAY, clientId=3, factor=2.5)
    assert first["id"] < second["id"] < third["id"]
    assert listed(http) == [first, second, third]
    assert second["set"] == SET and (second["modelId"], second["apiKeyId"]) == (1, 5101)
    r = http.delete(f"/_emulator/usage-events/{second['id']}")
    assert r.status_code == 200 and r.json() == {"deleted": second["id"]}
    assert listed(http) == [first, third]
    fourth = add(http, **HOUR, memberUserId=1004, factor=1)
    assert fourth["id"] > third["id"]  # an id is not handed out twice
    r = http.delete("/_emulator/usage-events")
    assert r.status_code == 200 and r.json() == {"cleared": True}
    assert listed(http) == []
    assert add(http, **HOUR, factor=3)["id"] > fourth["id"]


def test_python_api_and_control_api_share_one_list(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    book = aicontent_emulator.usage_events
    a = book.add({**HOUR, "factor": 0})
    b = book.add(**HOUR, modelId=1, apiKeyId=5101, set=SET, note="exact")
    c = add(http, **HOUR, clientId=4, factor=10)
    assert (a.id, b.id) < (b.id, c["id"])
    assert [e.id for e in book.events] == [a.id, b.id, c["id"]]
    assert listed(http) == [a.public(), b.public(), c]
    assert b.public() == {"id": b.id, **HOUR, "modelId": 1, "apiKeyId": 5101, "set": SET, "note": "exact"}
    assert book.remove(a.id) is True and book.remove(a.id) is False
    assert [e["id"] for e in listed(http)] == [b.id, c["id"]]
    with pytest.raises(FieldError) as info:
        book.add(**HOUR, factor=-1)
    assert info.value.field == "factor" and len(book.events) == 2
    book.clear()
    assert listed(http) == [] and book.events == ()


def test_events_are_reset_with_the_emulator(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    """POST /_emulator/reset and Emulator.reset() drop events added at run time."""
    add(http, **HOUR, factor=0)
    assert http.post("/_emulator/reset").status_code == 200 and listed(http) == []
    aicontent_emulator.usage_events.add(**HOUR, factor=0)
    aicontent_emulator.reset()
    assert listed(http) == []


FIXTURE_EVENTS = [
    {"startTime": NOON, "endTime": NOON + 3600, "factor": 0, "note": "outage from the file"},
    {"startTime": NOON + 3600, "endTime": NOON + 7200, "modelId": 1, "apiKeyId": 5101,
     "set": {"total_calls": 7, "input_tokens": 700, "output_tokens": 70}},
]


def fixture_with(tmp_path: Path, events: list[Any]) -> Path:
    from emulator.domain.scenario import default_fixture_path

    doc = json.loads(default_fixture_path().read_text())
    doc["usageEvents"] = events
    path = tmp_path / "events.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return path


@pytest.fixture(scope="module")
def from_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(fixtures=str(fixture_with(tmp_path_factory.mktemp("events"), FIXTURE_EVENTS))) as emu:
        yield emu


def test_fixture_events_are_in_force_and_come_back_on_reset(from_file: Emulator) -> None:
    with httpx.Client(base_url=from_file.url) as c:
        started = listed(c)
        assert started == [{"id": 1, **FIXTURE_EVENTS[0]}, {"id": 2, **FIXTURE_EVENTS[1]}]

        def day() -> list[dict[str, Any]]:
            return rows(get(c, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, pageSize=24, clientId=2,
                            apiKeyId=5101).json())

        shaped = day()
        assert all(v == 0 for k, v in shaped[12].items() if k != "timestamp")
        assert (shaped[13]["total_calls"], shaped[13]["total_tokens"]) == (7, 770)
        c.delete("/_emulator/usage-events")
        plain = day()
        assert plain[12]["total_calls"] > 0 and plain[13]["total_calls"] != 7
        assert plain[:12] == shaped[:12] and plain[14:] == shaped[14:]
        assert add(c, **HOUR, factor=2)["id"] == 3
        assert c.post("/_emulator/reset").status_code == 200
        assert listed(c) == started and day() == shaped
        c.delete("/_emulator/usage-events/1")
        from_file.reset()
        assert listed(c) == started and day() == shaped
        assert add(c, **HOUR, factor=2)["id"] == 3  # ids go on after the file's


@pytest.mark.parametrize("events, field", [
    ([{**HOUR, "factor": -1}], "usageEvents.0.factor"),
    ([{**HOUR, "factor": 1, "modelId": 999}], "usageEvents.0.modelId"),
    ([{"startTime": NOON + 60, "endTime": NOON + 3600, "factor": 1}], "usageEvents.0.startTime"),
    ([{**HOUR, "set": SET, "modelId": 1}], "usageEvents.0.set"),
    ([{**HOUR, "factor": 1, "colour": "red"}], "usageEvents.0.colour"),
    ([{**HOUR, "factor": 1}, {**HOUR, "factor": 1, "apiKeyId": 1}], "usageEvents.1.apiKeyId"),
])
def test_malformed_fixture_event_exits_2(tmp_path: Path, events: list[Any], field: str) -> None:
    """The CLI refuses to start on a malformed event: exit 2, one line naming the event's field."""
    path = fixture_with(tmp_path, events)
    proc = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", "--fixtures", str(path)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.endswith("\n") and proc.stderr.count("\n") == 1, proc.stderr
    assert f"{field}:" in proc.stderr and proc.stderr.startswith("aicontent-emulator: ")


BAD_EVENTS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("unknown-model", {**HOUR, "factor": 2, "modelId": 999}, ["modelId"]),
    ("unknown-key", {**HOUR, "factor": 2, "apiKeyId": 9999}, ["apiKeyId"]),
    ("unknown-member", {**HOUR, "factor": 2, "memberUserId": 9999}, ["memberUserId"]),
    ("unknown-department", {**HOUR, "factor": 2, "clientId": 99}, ["clientId"]),
    ("zero-id", {**HOUR, "factor": 2, "clientId": 0}, ["clientId"]),
    ("key-and-department", {**HOUR, "factor": 2, "apiKeyId": 5101, "clientId": 2},
     ["clientId", "apiKeyId", "at most one scope"]),
    ("member-and-key", {**HOUR, "factor": 2, "memberUserId": 1001, "apiKeyId": 5101},
     ["memberUserId", "apiKeyId", "at most one scope"]),
    ("no-effect", {**HOUR, "modelId": 1}, ["set", "factor", "exactly one effect"]),
    ("both-effects", {**HOUR, "factor": 2, "set": SET, "modelId": 1, "apiKeyId": 5101},
     ["factor", "set", "exactly one effect"]),
    ("factor-negative", {**HOUR, "factor": -0.5}, ["factor"]),
    ("factor-too-big", {**HOUR, "factor": 1_000_001}, ["factor"]),
    ("factor-string", {**HOUR, "factor": "2"}, ["factor"]),
    ("factor-bool", {**HOUR, "factor": True}, ["factor"]),
    ("start-off-the-hour", {"startTime": NOON + 1800, "endTime": NOON + 3600, "factor": 2}, ["startTime"]),
    ("end-off-the-hour", {"startTime": NOON, "endTime": NOON + 3601, "factor": 2}, ["endTime"]),
    ("end-equals-start", {"startTime": NOON, "endTime": NOON, "factor": 2}, ["endTime"]),
    ("end-before-start", {"startTime": NOON, "endTime": NOON - 3600, "factor": 2}, ["endTime"]),
    ("before-the-window", {"startTime": ts(2023, 1, 1) - 3600, "endTime": ts(2023, 1, 1) + 3600, "factor": 2},
     ["startTime"]),
    ("after-the-window", {"startTime": WINDOW_END - 3600, "endTime": WINDOW_END + 3600, "factor": 2}, ["endTime"]),
    ("set-without-key", {**HOUR, "set": SET, "modelId": 1}, ["set"]),
    ("set-without-model", {**HOUR, "set": SET, "apiKeyId": 5101}, ["set"]),
    ("set-by-department", {**HOUR, "set": SET, "modelId": 1, "clientId": 2}, ["set"]),
    ("set-column-the-model-lacks", {**HOUR, "set": {"image_count": 3}, "modelId": 1, "apiKeyId": 5101},
     ["set.image_count"]),
    ("set-not-integer", {**HOUR, "set": {**SET, "total_calls": 1.5}, "modelId": 1, "apiKeyId": 5101},
     ["set.total_calls"]),
    ("set-string", {**HOUR, "set": {**SET, "input_tokens": "1000"}, "modelId": 1, "apiKeyId": 5101},
     ["set.input_tokens"]),
    ("set-negative", {**HOUR, "set": {**SET, "output_tokens": -1}, "modelId": 1, "apiKeyId": 5101},
     ["set.output_tokens"]),
    ("set-bool", {**HOUR, "set": {**SET, "total_calls": True}, "modelId": 1, "apiKeyId": 5101}, ["set.total_calls"]),
    ("set-not-an-object", {**HOUR, "set": "lots", "modelId": 1, "apiKeyId": 5101}, ["set"]),
    ("total-tokens-not-the-sum", {**HOUR, "set": {**SET, "total_tokens": 1499}, "modelId": 1, "apiKeyId": 5101},
     ["set.total_tokens"]),
    ("amount-5-decimals", {**HOUR, "set": {**SET, "total_amount": 1.23456}, "modelId": 1, "apiKeyId": 5101},
     ["set.total_amount"]),
    ("amount-negative", {**HOUR, "set": {**SET, "total_amount": -1}, "modelId": 1, "apiKeyId": 5101},
     ["set.total_amount"]),
    ("unknown-field", {**HOUR, "factor": 2, "scope": "all"}, ["scope"]),
    ("start-string", {"startTime": str(NOON), "endTime": NOON + 3600, "factor": 2}, ["startTime"]),
    ("end-missing", {"startTime": NOON, "factor": 2}, ["endTime"]),
    ("key-string", {**HOUR, "factor": 2, "apiKeyId": "5101"}, ["apiKeyId"]),
    ("model-string", {**HOUR, "factor": 2, "modelId": "1"}, ["modelId"]),
    ("note-not-text", {**HOUR, "factor": 2, "note": 5}, ["note"]),
    ("note-too-long", {**HOUR, "factor": 2, "note": "x" * 201}, ["note"]),
]


@pytest.mark.parametrize("body, names", [(b, n) for _, b, n in BAD_EVENTS], ids=[i for i, _, _ in BAD_EVENTS])
def test_malformed_event_is_refused_by_name(http: httpx.Client, body: dict[str, Any], names: list[str]) -> None:
    """400 InvalidParameter naming the field (the first name is the parameter); nothing added."""
    kept = add(http, **HOUR, factor=2)
    refused_by(http.post("/_emulator/usage-events", json=body), names)
    assert listed(http) == [kept]


def refused_by(r: httpx.Response, names: list[str]) -> None:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["Code"] == "InvalidParameter" and r.headers["content-type"] == "application/json;charset=utf-8"
    assert body["Message"].startswith(f'The parameter "{names[0]}" is invalid: '), body["Message"]
    assert all(name in body["Message"] for name in names[1:]), body["Message"]


def test_lone_surrogate_note_is_refused(http: httpx.Client) -> None:
    kept = add(http, **HOUR, factor=2)
    raw = json.dumps({**HOUR, "factor": 2}).encode()[:-1] + b', "note": "a\\ud800b"}'
    refused_by(http.post("/_emulator/usage-events", content=raw, headers={"content-type": "application/json"}),
               ["note"])
    assert listed(http) == [kept]


@pytest.mark.parametrize("event_id", ["999", "0"])
def test_deleting_an_unknown_event_is_refused(http: httpx.Client, event_id: str) -> None:
    kept = add(http, **HOUR, factor=2)
    refused_by(http.delete(f"/_emulator/usage-events/{event_id}"), ["eventId"])
    assert listed(http) == [kept]


def test_scenario_lists_the_clock_and_events(http: httpx.Client) -> None:
    scenario = http.get("/_emulator/scenario").json()
    assert scenario["usageEvents"] == [] and scenario["clock"]["fixed"] is False
    event = add(http, **HOUR, modelId=2, factor=0.5)
    http.put("/_emulator/clock", json={"now": NOON, "dataLagMinutes": 30})
    scenario = http.get("/_emulator/scenario").json()
    assert scenario["usageEvents"] == [event] == listed(http)
    assert scenario["clock"] == {"now": NOON, "fixed": True, "dataLagMinutes": 30}


def _keywords(schema: Any) -> list[tuple[str, Any]]:
    """Every (keyword, value) pair anywhere inside a JSON schema."""
    if isinstance(schema, dict):
        return [pair for k, v in schema.items() for pair in [(k, v), *_keywords(v)]]
    if isinstance(schema, list):
        return [pair for v in schema for pair in _keywords(v)]
    return []


def test_openapi_has_the_clock_and_event_operations(http: httpx.Client) -> None:
    doc = http.get("/_emulator/openapi.json").json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]

    def body_of(path: str, method: str) -> str:
        ref = paths[path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return str(ref).rsplit("/", 1)[-1]

    assert set(paths["/_emulator/clock"]) >= {"get", "put", "delete"}
    assert body_of("/_emulator/clock", "put") == "ClockSpec"
    assert body_of("/_emulator/clock/advance", "post") == "Advance"
    assert set(paths["/_emulator/usage-events"]) >= {"get", "post", "delete"}
    assert body_of("/_emulator/usage-events", "post") == "UsageEventSpec"
    assert "delete" in paths["/_emulator/usage-events/{eventId}"]
    assert "required" not in schemas["ClockSpec"] and set(schemas["ClockSpec"]["properties"]) == {
        "now", "dataLagMinutes"}
    assert schemas["Advance"]["required"] == ["seconds"]
    assert schemas["Advance"]["properties"]["seconds"]["minimum"] == 0
    event = schemas["UsageEventSpec"]
    assert event["additionalProperties"] is False and set(event["required"]) == {"startTime", "endTime"}
    assert set(event["properties"]) == {"startTime", "endTime", "modelId", "apiKeyId", "memberUserId", "clientId",
                                        "factor", "set", "note"}
    factor = _keywords(event["properties"]["factor"])
    assert ("minimum", 0) in factor and ("maximum", 1_000_000) in factor, factor  # JSON Schema keywords
    assert not {k for k, _ in factor} & {"ge", "le", "gt", "lt"}, factor


# -- sums over every model stay bounded; adding an event costs the same at any count ---------
JSON = {"accept": "application/json"}
PREFIX = "/api/v1/modelRouter/open/"


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


def test_adding_events_costs_the_same_at_any_count() -> None:
    """Checking the room an event leaves is incremental: the 2000th add costs what the first did."""
    service = Service(Settings())

    def add_many(n: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            service.events.add(startTime=MARCH_1 + (i % 500) * 3600, endTime=MARCH_1 + (i % 500 + 1) * 3600, factor=0.5,
                               apiKeyId=5101)
        return time.perf_counter() - started

    first = add_many(500)
    add_many(1500)
    later = add_many(500)
    assert later / first < 3  # quadratic: about 4 times (and growing)
