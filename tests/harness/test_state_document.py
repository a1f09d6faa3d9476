"""The changed state as one document (`GET / PUT /_emulator/state`, `Emulator.export_state()` /
`import_state()`): the same changes in the same order give byte-identical documents, its keys in
the README's order; a saved document, put into a fresh emulator, gives the same answers; one of
another seed or fixture, or malformed, is refused naming the field, and changes nothing; 10,000
events import within seconds."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import API, DEFAULT_FIXTURE, MARCH_1, fixture_file
from kit import assert_invalid
from state_helpers import DETAIL, HOUR, MARCH_2, STATE_KEYS

from emulator.server import Emulator
from emulator.validation import FieldError

OUTAGE = {"startTime": MARCH_2 + 2 * HOUR, "endTime": MARCH_2 + 5 * HOUR, "factor": 0, "note": "outage"}
EXACT = {"startTime": MARCH_2 + 7 * HOUR, "endTime": MARCH_2 + 8 * HOUR, "modelId": 1, "apiKeyId": 5101,
         "set": {"total_calls": 5, "input_tokens": 500, "output_tokens": 50}}
RULE = {"code": "Throttling.User", "match": {"query": {"modelId": "4"}}, "times": 3, "retryAfterMs": 500}
CHANGES: list[tuple[str, str, Any]] = [  # (method, path, body), in order
    ("PUT", "/_emulator/clock", {"now": MARCH_2 + 60 * 86400, "dataLagMinutes": 45}),
    ("PATCH", "/_emulator/config", {"product_errors": "documented", "empty_buckets": "omit"}),
    ("POST", "/_emulator/usage-events", OUTAGE),
    ("POST", "/_emulator/usage-events", {**OUTAGE, "clientId": 3, "factor": 2.5}),
    ("POST", "/_emulator/usage-events", EXACT),
    ("DELETE", "/_emulator/usage-events/2", None),
    ("POST", "/_emulator/faults", RULE),
    ("POST", "/_emulator/faults", {"delayMs": 5, "match": {"action": "ModelRouterQueryCostModelDetail"}}),
    ("DELETE", "/_emulator/faults/2", None),
]
QUERIES = [DETAIL, {**DETAIL, "modelId": "2"}, {**DETAIL, "clientIds": "2,3"}, {**DETAIL, "modelId": "x"},
           {**DETAIL, "modelId": "1", "clientId": "2", "apiKeyId": "5101"}]


def apply(url: str, changes: list[tuple[str, str, Any]] = CHANGES) -> None:
    with httpx.Client(base_url=url, timeout=20) as c:
        for method, path, body in changes:
            r = c.request(method, path, json=body) if body is not None else c.request(method, path)
            assert r.status_code in (200, 201), (method, path, r.text)


def answers(url: str) -> list[tuple[int, bytes]]:
    out = []
    for q in QUERIES:
        r = httpx.get(url + API, params=q, headers={"accept": "application/json"}, timeout=20)
        out.append((r.status_code, r.content.replace(r.headers["x-acs-request-id"].encode(), b"")))
    return out


def test_the_same_changes_give_byte_identical_documents() -> None:
    reordered = [(m, p, dict(reversed(list(b.items()))) if isinstance(b, dict) else b) for m, p, b in CHANGES]
    texts = []
    for changes in (CHANGES, reordered):  # the bodies' keys in another order: the same document
        with Emulator() as emu:
            apply(emu.url, changes)
            texts.append(httpx.get(emu.url + "/_emulator/state").content)
    assert texts[0] == texts[1]
    doc = httpx.Response(200, content=texts[0]).json()
    assert list(doc) == STATE_KEYS
    assert [e["id"] for e in doc["usageEvents"]] == [1, 3] and doc["nextEventId"] == 4
    assert [r["id"] for r in doc["faultRules"]] == [1] and doc["nextFaultRuleId"] == 3
    assert doc["forms"] == {"empty_buckets": "omit", "product_errors": "documented"}
    assert doc["clock"] == {"now": MARCH_2 + 60 * 86400, "dataLagMinutes": 45}


def test_a_saved_document_gives_the_same_answers_in_a_fresh_emulator() -> None:
    with Emulator() as emu:
        apply(emu.url)
        assert httpx.get(emu.url + API, params={**DETAIL, "modelId": "4"}).status_code == 400  # the rule: 1 hit
        doc = httpx.get(emu.url + "/_emulator/state").json()
        expected = answers(emu.url)
    assert doc["faultRules"][0]["hits"] == 1 and doc["faultRules"][0]["timesLeft"] == 2
    with Emulator() as fresh:
        assert answers(fresh.url) != expected
        r = httpx.put(fresh.url + "/_emulator/state", json=doc)
        assert r.status_code == 200 and r.json() == doc, r.text
        assert httpx.get(fresh.url + "/_emulator/state").json() == doc
        assert answers(fresh.url) == expected
        faulted = [httpx.get(fresh.url + API, params={**DETAIL, "modelId": "4"}).status_code for _ in range(3)]
        assert faulted == [400, 400, 200]  # the rule's count went on from the document's
        assert fresh.usage_events.add(OUTAGE).id == 4  # ids after the document's


@pytest.mark.parametrize("other, field", [({"seed": 1}, "seed"), ({"fixture": True}, "fixture")])
def test_a_document_of_another_scenario_is_refused(other: dict[str, Any], field: str, http: httpx.Client,
                                                   tmp_path: Any) -> None:
    settings: dict[str, Any] = dict(other)
    if settings.pop("fixture", None):
        changed = copy.deepcopy(DEFAULT_FIXTURE)
        changed["models"][0]["name"] += " (renamed)"
        settings["fixtures"] = str(fixture_file(changed, tmp_path))
    with Emulator(**settings) as emu:
        apply(emu.url, CHANGES[:3])
        foreign = emu.export_state()
    before = http.get("/_emulator/state").json()
    assert_invalid(http.put("/_emulator/state", json=foreign), field, "another scenario")
    assert http.get("/_emulator/state").json() == before


def _events(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc["usageEvents"])


Mutation = Callable[[dict[str, Any]], None]
MALFORMED: dict[str, tuple[Mutation, str, str]] = {
    "event-outside-the-window": (lambda d: _events(d)[0].update(startTime=3600, endTime=7200),
                                 "usageEvents.0.startTime", "data window"),
    "unknown-form-value": (lambda d: d["forms"].update(values_encoding="triple"), "values_encoding", "single"),
    "unknown-form": (lambda d: d["forms"].update(colour="blue"), "colour", "not a form"),
    "unknown-field": (lambda d: d.update(comment="saved by hand"), "comment", "not a known field"),
    "unknown-event-field": (lambda d: _events(d)[0].update(colour=1), "usageEvents.0.colour", "not a known field"),
    "unknown-fault-code": (lambda d: d["faultRules"][0]["spec"].update(code="Throttling.Everyone"),
                           "faultRules.0.spec.code", "unknown error code"),
    "event-ids-not-ascending": (lambda d: d["usageEvents"].reverse(), "usageEvents.1.id", "ascend"),
    "event-id-not-below-next": (lambda d: d.update(nextEventId=2), "usageEvents.1.id", "below nextEventId"),
    "fault-ids-twice": (lambda d: d["faultRules"].append(copy.deepcopy(d["faultRules"][0])), "faultRules.1.id",
                        "unique"),
    "clock-as-text": (lambda d: d["clock"].update(now="tomorrow"), "clock.now", ""),
    "version-2": (lambda d: d.update(version=2), "version", ""),
    # what POST /_emulator/faults refuses, a document must not bring in either
    "fault-rule-that-does-nothing": (lambda d: d["faultRules"][0].update(spec={"match": {}}),
                                     "faultRules.0.spec.code", "needs a code"),
    "retry-after-without-a-code": (lambda d: d["faultRules"][0].update(spec={"delayMs": 5, "retryAfterMs": 100}),
                                   "faultRules.0.spec.retryAfterMs", "needs a code"),
    # an operation no write of this emulator makes cannot be applied
    "unknown-operation": (lambda d: d["operations"].append({"name": "DropEverything", "args": {}, "at": MARCH_1}),
                          "operations.0.name", ""),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_document_is_refused_naming_the_field(case: str, http: httpx.Client) -> None:
    apply(str(http.base_url), CHANGES)
    before = http.get("/_emulator/state").json()
    doc = copy.deepcopy(before)
    doc["forms"] = {"values_encoding": "double"}  # a valid change beside the fault: not applied either
    doc["usageEvents"].append({"id": 7, **EXACT, "startTime": MARCH_2 + 9 * HOUR, "endTime": MARCH_2 + 10 * HOUR})
    doc["nextEventId"] = 8
    mutate, field, reason = MALFORMED[case]
    mutate(doc)
    assert_invalid(http.put("/_emulator/state", json=doc), field, reason)
    assert http.get("/_emulator/state").json() == before


def test_ten_thousand_events_import_within_seconds(http: httpx.Client) -> None:
    base = http.get("/_emulator/state").json()
    events = [{"id": i + 1, "startTime": MARCH_1 + i * HOUR, "endTime": MARCH_1 + (i + 1) * HOUR, "factor": 0,
               "modelId": 1 + i % 12, "apiKeyId": 5101} for i in range(10_000)]
    started = time.monotonic()
    r = http.put("/_emulator/state", json={**base, "usageEvents": events, "nextEventId": 10_001}, timeout=60)
    took = time.monotonic() - started
    assert r.status_code == 200, r.text[:300]
    assert took < 15, f"a 10,000-event document took {took:.1f} s"
    assert len(http.get("/_emulator/usage-events").json()) == 10_000
    hour = http.get(API, params={"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + HOUR),
                                 "clientId": "2", "apiKeyId": "5101"})
    assert hour.status_code == 200 and "\\\"total_calls\\\":0" in hour.text or '"total_calls":0' in hour.text


def test_export_and_import_from_python(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    emu = aicontent_emulator
    apply(emu.url)
    doc = emu.export_state()
    assert doc == http.get("/_emulator/state").json()
    emu.reset()
    assert emu.export_state() != doc
    emu.import_state(copy.deepcopy(doc))
    assert emu.export_state() == doc and emu.forms.product_errors == "documented"
    bad = copy.deepcopy(doc)
    bad["usageEvents"][0]["factor"] = -1
    with pytest.raises(FieldError) as info:
        emu.import_state(bad)
    assert info.value.field == "usageEvents.0.factor"
    assert emu.export_state() == doc
