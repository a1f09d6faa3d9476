"""Regression tests of the hardening work on the control API and the pytest plugin: malformed
fault rules are refused by name and change nothing (over HTTP and through the Python API), the
journal's Python and wire names, an overridden `aicontent_settings`, and the check that a test
run leaves no process of its own behind."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import API, DAY, MARCH_1

from emulator.server import Emulator
from emulator.validation import FieldError

QUERY = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}
TOO_LONG = b'{"code":"Throttling.User","match":{"query":{"modelId":"' + b"1" * 70_000 + b'"}}}'


def deep_list(depth: int) -> list[Any]:
    nested: list[Any] = []
    for _ in range(depth):
        nested = [nested]
    return nested


# -- 8. malformed fault rules ---------------------------------------------------------------
@pytest.mark.parametrize("body, field", [
    (b'{"code": ["Throttling.User"]}', "code"),
    (b'{"code": {"name": "Throttling.User"}}', "code"),
    (b'{"code": "Throttling.User", "delayMs": ' + b"9" * 5_000 + b"}", "delayMs"),
    (b'{"code": "Throttling.User", "times": ' + b"9" * 5_000 + b"}", "times"),
    (b"[" * 30_000 + b"]" * 30_000, "body"),  # deep, yet within the 64 KiB a control body may have
    (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "body"),
    (b"[" * 100_000 + b"]" * 100_000, "body"),
    (TOO_LONG, "body"),
], ids=["code-list", "code-object", "delay-5000-digits", "times-5000-digits", "30000-nested-lists",
        "10000-nested-objects", "100000-nested-lists", "over-64-KiB"])
def test_malformed_fault_rules_are_a_named_400_and_change_nothing(aicontent_emulator: Emulator, http: httpx.Client,
                                                                   body: bytes, field: str) -> None:
    """Each is 400 InvalidParameter naming the field (never a 500), and no rule is stored."""
    r = http.post("/_emulator/faults", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text[:300]
    answer = r.json()
    assert answer["Code"] == "InvalidParameter"
    assert answer["Message"].startswith(f'The parameter "{field}" is invalid'), answer["Message"][:300]
    listed = http.get("/_emulator/faults")
    assert (listed.status_code, listed.json()) == (200, [])
    assert http.get(API, params=QUERY).status_code == 200
    assert len(aicontent_emulator.service.unexpected) == 0


def test_the_body_limit_is_65536_bytes(http: httpx.Client) -> None:
    """A body of exactly 65536 bytes is read (and judged on its content); one byte more is refused."""
    prefix, suffix = b'{"code":"Throttling.User","match":{"query":{"modelId":"1"}},"x":"', b'"}'
    exact = prefix + b"y" * (65_536 - len(prefix) - len(suffix)) + suffix
    r = http.post("/_emulator/faults", content=exact)
    assert r.status_code == 400 and r.json()["Message"].startswith('The parameter "x" is invalid')
    r = http.post("/_emulator/faults", content=exact[:-2] + b'y"}')
    assert r.status_code == 400 and r.json()["Message"].startswith('The parameter "body" is invalid')


@pytest.mark.parametrize("spec, field", [
    ({"code": ["Throttling.User"]}, "code"),
    ({"code": {"name": "Throttling.User"}}, "code"),
    ({"code": "Throttling.User", "delayMs": 10**5_000}, "delayMs"),
    ({"code": "Throttling.User", "times": 10**5_000}, "times"),
    (deep_list(100_000), "body"),
], ids=["code-list", "code-object", "delay-5000-digits", "times-5000-digits", "deep-list"])
def test_malformed_fault_rules_through_the_python_api(aicontent_emulator: Emulator, http: httpx.Client,
                                                      spec: Any, field: str) -> None:
    """`emu.faults.add` raises FieldError naming the field, stores nothing, and the control API
    still lists the rules."""
    with pytest.raises(FieldError) as info:
        aicontent_emulator.faults.add(spec)
    assert info.value.field == field
    assert aicontent_emulator.faults.rules() == []
    listed = http.get("/_emulator/faults")
    assert (listed.status_code, listed.json()) == (200, [])


# -- 9. a lone surrogate ---------------------------------------------------------------------
def test_a_rule_with_a_lone_surrogate_is_refused_and_not_stored(aicontent_emulator: Emulator,
                                                                http: httpx.Client) -> None:
    """Refused at once, through the Python API and over HTTP; the rule list still renders."""
    with pytest.raises(FieldError) as info:
        aicontent_emulator.faults.add({"code": "Throttling.User", "match": {"query": {"modelId": "\ud800"}}})
    assert info.value.field.startswith("match.query")
    with pytest.raises(FieldError):
        aicontent_emulator.faults.add(code="Throttling.User", match={"query": {"\udfff": "1"}})
    assert aicontent_emulator.faults.rules() == []
    raw = b'{"code": "Throttling.User", "match": {"query": {"modelId": "\\ud800"}}}'  # a JSON escape
    r = http.post("/_emulator/faults", content=raw)
    assert r.status_code == 400 and r.json()["Code"] == "InvalidParameter", r.text[:300]
    listed = http.get("/_emulator/faults")
    assert (listed.status_code, listed.json()) == (200, [])


@pytest.mark.parametrize("value", ["\ud800", [1], deep_list(100_000)], ids=["lone-surrogate", "list", "deep-list"])
def test_a_query_value_of_a_rule_is_named_plainly(aicontent_emulator: Emulator, value: Any) -> None:
    """The field is `match.query.modelId` (wire names, dotted), not the validator's internals."""
    with pytest.raises(FieldError) as info:
        aicontent_emulator.faults.add({"code": "Throttling.User", "match": {"query": {"modelId": value}}})
    assert info.value.field == "match.query.modelId"


def test_a_query_value_of_a_rule_is_named_plainly_over_http(http: httpx.Client) -> None:
    r = http.post("/_emulator/faults", json={"code": "Throttling.User", "match": {"query": {"modelId": [1]}}})
    assert r.status_code == 400
    assert r.json()["Message"].startswith('The parameter "match.query.modelId" is invalid:'), r.json()["Message"]


# -- the journal's names ---------------------------------------------------------------------
def test_journal_entries_are_snake_case_in_python_and_camel_case_on_the_wire(aicontent_emulator: Emulator,
                                                                           http: httpx.Client) -> None:
    http.get(API, params={"modelId": 1, "startTime": MARCH_1})
    entry = aicontent_emulator.requests[-1]
    (wire,) = http.get("/_emulator/requests").json()["requests"]
    assert (entry.status, entry.error_code, entry.access_key_id) == (400, "MissingParameter", None)
    assert entry.request_id == wire["requestId"] and entry.latency_ms == wire["latencyMs"]
    assert (wire["errorCode"], wire["accessKeyId"]) == ("MissingParameter", None)
    for camel in ("requestId", "errorCode", "accessKeyId", "latencyMs"):
        assert not hasattr(entry, camel)
    assert not {"request_id", "error_code", "access_key_id", "latency_ms"} & set(wire)


# -- the pytest plugin -----------------------------------------------------------------------
def test_aicontent_settings_can_be_overridden(pytester: pytest.Pytester) -> None:
    """A conftest overriding the session fixture `aicontent_settings` starts the emulator with it."""
    pytester.makeconftest('''
import pytest

@pytest.fixture(scope="session")
def aicontent_settings():
    return {"seed": 7, "auth": "required", "values_encoding": "double"}
''')
    pytester.makepyfile(test_settings=f'''
import httpx

def test_the_overridden_settings(aicontent_emulator):
    s = aicontent_emulator.settings
    assert (s.seed, s.auth, s.values_encoding) == (7, "required", "double")
    assert aicontent_emulator.forms.values_encoding == "double"
    r = httpx.get(aicontent_emulator.url + "{API}", params={QUERY!r}, headers={{"accept": "application/json"}})
    assert r.status_code == 400 and r.json()["Code"] == "IncompleteSignature"
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


LEFT_RUNNING = '''
import pathlib
import subprocess

def test_leaves_a_process_running():
    proc = subprocess.Popen(["sleep", "30"], start_new_session=True)
    pathlib.Path("left.pid").write_text(str(proc.pid))
'''

CLEANED_UP = '''
import subprocess

def test_waits_for_its_process():
    subprocess.run(["sleep", "0.1"], check=True)
'''


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_run_that_leaves_a_process_running_fails(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/conftest.py fails the session when a process the run started is still running."""
    monkeypatch.delenv("AICONTENT_EMULATOR_TEST_RUN", raising=False)  # the inner run gets a mark of its own
    pytester.makeconftest((Path(__file__).parents[1] / "conftest.py").read_text())
    pytester.makepyfile(test_left=LEFT_RUNNING)
    try:
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    finally:
        pid_file = pytester.path / "left.pid"
        pid = int(pid_file.read_text()) if pid_file.exists() else None
        if pid is not None:
            _kill(pid)
    output = "\n".join(result.outlines + result.errlines)
    result.assert_outcomes(passed=1)  # the test itself passed: the session check is what fails
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "processes started by this test run are still running" in output
    assert pid is not None and re.search(rf"^\s*{pid}: sleep 30", output, re.MULTILINE), output[-600:]


def test_a_run_that_cleans_up_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """... and does not fail a run whose processes have all ended."""
    monkeypatch.delenv("AICONTENT_EMULATOR_TEST_RUN", raising=False)
    pytester.makeconftest((Path(__file__).parents[1] / "conftest.py").read_text())
    pytester.makepyfile(test_clean=CLEANED_UP)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
    assert "still running" not in "\n".join(result.outlines + result.errlines)
