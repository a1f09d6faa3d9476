"""The pytest marker `@pytest.mark.aicontent_state(doc_or_path)`, run in a separate pytest
(pytester): a test marked with a document (a dict, a path as text, a `Path`) starts from it, its
answers those of the saved state; the next test without the marker starts clean; a malformed
document fails the marked test's set-up naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from helpers import API, MARCH_1, QUERY
from state_helpers import HOUR

from emulator.server import Emulator

MARKED = '''
import json
import pathlib

import httpx
import pytest

DOC = json.loads({doc!r})
PATH = {path!r}
API, QUERY, EXPECTED = {api!r}, {query!r}, {expected!r}


def body(emu):
    r = httpx.get(emu.url + API, params=QUERY, headers={{"accept": "application/json"}})
    return r.content.replace(r.headers["x-acs-request-id"].encode(), b"").decode()


@pytest.mark.aicontent_state(DOC)
def test_from_a_dict(aicontent_emulator):
    assert aicontent_emulator.export_state() == DOC
    assert body(aicontent_emulator) == EXPECTED


def test_the_next_starts_clean(aicontent_emulator):
    doc = aicontent_emulator.export_state()
    assert (doc["usageEvents"], doc["faultRules"], doc["forms"], doc["clock"]) == ([], [], {{}}, None)
    assert body(aicontent_emulator) != EXPECTED


@pytest.mark.aicontent_state(PATH)
def test_from_a_path(aicontent_emulator):
    assert aicontent_emulator.export_state() == DOC
    assert body(aicontent_emulator) == EXPECTED


@pytest.mark.aicontent_state(pathlib.Path(PATH))
def test_from_a_path_object(aicontent_emulator, aicontent_client):
    assert aicontent_emulator.export_state() == DOC
    assert aicontent_emulator.usage_events.events[0].spec.note == "saved with the bug report"


def test_clean_again(aicontent_emulator):
    assert aicontent_emulator.export_state()["usageEvents"] == []


@pytest.mark.aicontent_state({{**DOC, "forms": {{"values_encoding": "triple"}}}})
def test_a_malformed_document(aicontent_emulator):
    pass


def test_clean_after_the_malformed_one(aicontent_emulator):
    assert aicontent_emulator.export_state()["forms"] == {{}}
'''


def saved_document() -> tuple[dict, str]:
    """A document with an event, a form, the clock and a fault rule; and model-detail's answer under it."""
    with Emulator() as emu:
        emu.clock.set(MARCH_1 + 30 * 86400, 20)
        emu.set_forms(empty_buckets="omit")
        emu.usage_events.add(startTime=MARCH_1 + 3 * HOUR, endTime=MARCH_1 + 9 * HOUR, factor=0,
                             note="saved with the bug report")
        emu.faults.add({"code": "Throttling.User", "match": {"query": {"modelId": "6"}}, "times": 2})
        r = httpx.get(emu.url + API, params=QUERY, headers={"accept": "application/json"})
        assert r.status_code == 200
        return emu.export_state(), r.content.replace(r.headers["x-acs-request-id"].encode(), b"").decode()


def test_the_marker_starts_a_test_from_a_saved_state(pytester: pytest.Pytester) -> None:
    doc, expected = saved_document()
    path = Path(pytester.path) / "failing-state.json"
    path.write_text(json.dumps(doc, indent=2))
    pytester.makepyfile(test_marked=MARKED.format(doc=json.dumps(doc), path=str(path), api=API, query=QUERY,
                                                  expected=expected))
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    out = result.stdout.str()
    for name in ("test_from_a_dict", "test_the_next_starts_clean", "test_from_a_path", "test_from_a_path_object",
                 "test_clean_again", "test_clean_after_the_malformed_one"):
        assert f"test_marked.py::{name} PASSED" in out, out[-3000:]
    assert "test_marked.py::test_a_malformed_document ERROR" in out
    assert "values_encoding" in out
    result.assert_outcomes(passed=6, errors=1)
