"""The plugin's `aicontent_forms` marker, run in a separate pytest (pytester): one run per form,
ids naming the form, `combine=True`, refusal of unknown settings; and the README example
("Does your client depend on our guesses?"), executed exactly as the README shows it."""

from __future__ import annotations

import pytest

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
    result.assert_outcomes(passed=7)
    out = result.stdout.str()
    for run_id in ("product_errors=both", "product_errors=documented", "product_errors=gateway",
                   "values_encoding=single", "values_encoding=double", "empty_buckets=zero", "empty_buckets=omit"):
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
