"""The pytest plugin, run in a separate pytest (pytester): the `aicontent_forms` marker (one run per
form, ids naming the form, `combine=True`, refusal of unknown settings) and the README example ("Does
your client depend on our guesses?"), executed exactly as the README shows it; the fixtures as a
newcomer uses them, a bug inside the emulator failing the test that caused it, an overridden
`aicontent_settings`; and tests/conftest.py's check that a run leaves no process of its own running."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest
from helpers import API, DAY, MARCH_1

README_EXAMPLE = '''\
import pytest
from alibabacloud_aicontent20240611.models import ModelRouterQueryCostModelDetailRequest
from alibabacloud_tea_openapi.exceptions import ClientException

REQUEST = ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=1709222400, end_time=1709308800)


def error_code_naive(client):  # reads e.code only: right only when the error body carries Code
    try:
        client.model_router_query_cost_model_detail(REQUEST)
    except ClientException as e:
        return e.code


def error_code_robust(client):  # the documented errCode first, then the gateway's Code
    try:
        client.model_router_query_cost_model_detail(REQUEST)
    except ClientException as e:
        return (e.data or {}).get("errCode") or e.code


@pytest.mark.aicontent_forms("product_errors")
def test_naive_client(aicontent_emulator):  # fails under product_errors=documented
    assert error_code_naive(aicontent_emulator.client("denied")) == "B.Permission.DeniedException"


@pytest.mark.aicontent_forms("product_errors")
def test_robust_client(aicontent_emulator):  # passes under every form
    assert error_code_robust(aicontent_emulator.client("denied")) == "B.Permission.DeniedException"
'''


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_marked=source)
    return pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider")


def test_readme_example_tells_naive_from_robust(pytester: pytest.Pytester) -> None:
    """The naive client passes under `both` and `gateway` (both send Code) and fails under `documented`."""
    assert len(README_EXAMPLE.splitlines()) <= 30
    result = run(pytester, README_EXAMPLE)
    result.assert_outcomes(passed=5, failed=1)
    out = result.stdout.str()
    for form in ("both", "documented", "gateway"):
        assert f"test_marked.py::test_robust_client[product_errors={form}] PASSED" in out
    assert "test_marked.py::test_naive_client[product_errors=both] PASSED" in out
    assert "test_marked.py::test_naive_client[product_errors=gateway] PASSED" in out
    assert "test_marked.py::test_naive_client[product_errors=documented] FAILED" in out
    assert "AssertionError: assert 'None' == 'B.Permission.DeniedException'" in out


PRODUCT_ERRORS = '''
import httpx
import pytest
from alibabacloud_aicontent20240611.models import ModelRouterQueryCostModelDetailRequest

@pytest.mark.aicontent_forms("product_errors")
def test_each_form(aicontent_emulator, aicontent_client, aicontent_form):
    form = aicontent_form["product_errors"]
    assert aicontent_emulator.forms.product_errors == form
    assert httpx.get(aicontent_emulator.url + "/_emulator/config").json()["product_errors"] == form
    req = ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=1709222400, end_time=1709308800)
    assert aicontent_client.model_router_query_cost_model_detail(req).body.data.total == 24

def test_afterwards_the_started_forms(aicontent_emulator):
    assert aicontent_emulator.forms.product_errors == "both"
'''


def test_one_run_per_form_with_named_ids(pytester: pytest.Pytester) -> None:
    result = run(pytester, PRODUCT_ERRORS)
    result.assert_outcomes(passed=4)
    out = result.stdout.str()
    for form in ("both", "documented", "gateway"):
        assert f"test_marked.py::test_each_form[product_errors={form}] PASSED" in out


ALL_FORMS = '''
import pytest

@pytest.mark.aicontent_forms()
def test_all(aicontent_emulator, aicontent_form):
    (name, form), = aicontent_form.items()
    assert getattr(aicontent_emulator.forms, name) == form
'''


def test_no_argument_runs_every_form_of_every_setting(pytester: pytest.Pytester) -> None:
    result = run(pytester, ALL_FORMS)
    result.assert_outcomes(passed=13)
    out = result.stdout.str()
    for run_id in ("product_errors=both", "product_errors=documented", "product_errors=gateway",
                   "values_encoding=single", "values_encoding=double", "empty_buckets=zero", "empty_buckets=omit",
                   "client_list=leaves", "client_list=all", "exhaustion=negative", "exhaustion=throttle",
                   "discounted_amounts=payable", "discounted_amounts=all"):
        assert f"test_marked.py::test_all[{run_id}] PASSED" in out


COMBINED = '''
import pytest

@pytest.mark.aicontent_forms("product_errors", "empty_buckets", combine=True)
def test_combined(aicontent_emulator, aicontent_form):
    assert set(aicontent_form) == {"product_errors", "empty_buckets"}
    assert aicontent_emulator.forms.product_errors == aicontent_form["product_errors"]
    assert aicontent_emulator.forms.empty_buckets == aicontent_form["empty_buckets"]
'''


def test_combine_runs_every_combination(pytester: pytest.Pytester) -> None:
    result = run(pytester, COMBINED)
    result.assert_outcomes(passed=6)
    out = result.stdout.str()
    for pe in ("both", "documented", "gateway"):
        for eb in ("zero", "omit"):
            assert f"test_combined[product_errors={pe},empty_buckets={eb}] PASSED" in out


def test_an_unknown_setting_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
import pytest

@pytest.mark.aicontent_forms("product_errors", "xml_errors")
def test_never_runs(aicontent_emulator):
    pass
''')
    assert result.ret != pytest.ExitCode.OK
    outcomes = result.parseoutcomes()
    assert "passed" not in outcomes and "failed" not in outcomes
    assert "UsageError: aicontent_forms: unknown setting(s) ['xml_errors']" in result.stdout.str()


# -- the fixtures for a newcomer, a server bug failing its test, aicontent_settings ----------
NEWCOMER_TEST = '''
import json
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException
import pytest

def test_costs(aicontent_client):
    req = models.ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=1709222400, end_time=1709308800)
    body = aicontent_client.model_router_query_cost_model_detail(req).body
    assert body.data.total == 24
    assert json.loads(body.data.rows[0].values)["total_calls"] >= 0

def test_throttled(aicontent_emulator, aicontent_client):
    aicontent_emulator.faults.add({"code": "Throttling.User", "times": 1})
    req = models.ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=1709222400, end_time=1709308800)
    with pytest.raises(ClientException) as info:
        aicontent_client.model_router_query_cost_model_detail(req)
    assert info.value.code == "Throttling.User"
    assert aicontent_emulator.requests[-1].status == 400

def test_clean_again(aicontent_emulator):
    assert aicontent_emulator.faults.rules() == [] and aicontent_emulator.requests == []

def test_seed(aicontent_emulator):
    assert aicontent_emulator.settings.seed == 42 and aicontent_emulator.settings.auth == "required"
'''


def test_the_plugin_works_for_a_newcomer(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_newcomer=NEWCOMER_TEST)
    result = pytester.runpytest_subprocess("--aicontent-seed", "42", "--aicontent-auth", "required",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_a_server_bug_fails_the_test_that_caused_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bug='''
import httpx
def test_breaks(aicontent_emulator):
    aicontent_emulator.service.usage.days_total = None  # sabotage the generator: the next daily query crashes
    r = httpx.get(aicontent_emulator.url + "/api/v1/modelRouter/open/billing/cost/model-detail",
                  params={"modelId": 1, "startTime": 1709222400, "endTime": 1709222400 + 30 * 86400})
    assert r.status_code == 500 and r.json()["Code"] == "Server.Internal.UnknownError"  # product bodies: JSON
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*a request failed inside the emulator*", "*TypeError*"])


QUERY = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}


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


# -- tests/conftest.py: a run that leaves a process of its own running fails -----------------
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
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # and is no xdist worker, whose check is its controller's
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
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makeconftest((Path(__file__).parents[1] / "conftest.py").read_text())
    pytester.makepyfile(test_clean=CLEANED_UP)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
    assert "still running" not in "\n".join(result.outlines + result.errlines)
