"""Forms of the unknowns, as the official SDK sees them, and how they are switched: the control
API (`PATCH /_emulator/config`), `Emulator.set_forms`, the started setting, the pytest marker.

product_errors: what the SDK raises for a DeniedException (account `denied`) in each form;
values_encoding: `double` rows decode twice, to the same figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from helpers import DAY, MARCH_1

from emulator.server import Emulator

DENIED = "B.Permission.DeniedException"
DENIED_TEXT = "鉴权失败或权限不足"


def request(**kw: Any) -> models.ModelRouterQueryCostModelDetailRequest:
    return models.ModelRouterQueryCostModelDetailRequest(
        **{"model_id": 1, "start_time": MARCH_1, "end_time": MARCH_1 + DAY, **kw})


def denied(emu: Emulator) -> ClientException:
    with pytest.raises(ClientException) as info:
        emu.client("denied").model_router_query_cost_model_detail(request())
    return info.value


def check_form(exc: ClientException, form: str) -> None:
    """What a client can read from the exception, form by form."""
    assert exc.status_code == 403 and exc.request_id not in (None, "None")
    if form == "both":
        assert exc.code == DENIED and exc.data["errCode"] == DENIED
        assert exc.message == f"code: 403, {DENIED_TEXT} request id: {exc.request_id}"
    elif form == "documented":
        assert exc.code == "None" and exc.data["errCode"] == DENIED
        assert "Code" not in exc.data and exc.data["errMessage"] == DENIED_TEXT
        assert exc.message == f"code: 403, None request id: {exc.request_id}"  # the SDK finds no Message
    else:
        assert form == "gateway"
        assert exc.code == DENIED and "errCode" not in exc.data
        assert {"HostId", "Recommend", "RequestId", "Code", "Message"} <= set(exc.data)
        assert exc.message == f"code: 403, {DENIED_TEXT} request id: {exc.request_id}"


FORMS = ["both", "documented", "gateway"]


@pytest.fixture
def control(aicontent_emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=aicontent_emulator.url + "/_emulator", timeout=10) as client:
        yield client


@pytest.mark.parametrize("form", FORMS)
def test_switch_product_errors_through_the_control_api(aicontent_emulator: Emulator, control: httpx.Client,
                                                       form: str) -> None:
    r = control.patch("/config", json={"product_errors": form})
    assert r.status_code == 200 and r.json()["product_errors"] == form
    assert control.get("/config").json() == r.json()
    assert aicontent_emulator.forms.product_errors == form
    check_form(denied(aicontent_emulator), form)
    assert control.post("/reset").status_code == 200
    assert control.get("/config").json()["product_errors"] == "both"
    check_form(denied(aicontent_emulator), "both")


@pytest.mark.parametrize("form", FORMS)
def test_switch_product_errors_in_python(aicontent_emulator: Emulator, control: httpx.Client, form: str) -> None:
    forms = aicontent_emulator.set_forms(product_errors=form)
    assert forms.product_errors == form and forms.values_encoding == "single"
    assert control.get("/config").json()["product_errors"] == form
    check_form(denied(aicontent_emulator), form)


@pytest.mark.aicontent_forms("product_errors")
def test_the_marker_runs_each_product_error_form(aicontent_emulator: Emulator,
                                                 aicontent_form: dict[str, str]) -> None:
    check_form(denied(aicontent_emulator), aicontent_form["product_errors"])


def test_started_as_documented_stays_documented_after_reset() -> None:
    with Emulator(product_errors="documented") as emu:
        assert httpx.get(emu.url + "/_emulator/config").json()["product_errors"] == "documented"
        check_form(denied(emu), "documented")
        emu.set_forms(product_errors="gateway")
        check_form(denied(emu), "gateway")
        assert httpx.post(emu.url + "/_emulator/reset").status_code == 200
        assert emu.forms.product_errors == "documented"
        check_form(denied(emu), "documented")


@pytest.mark.parametrize("body, name", [
    ({"seed": 3}, "seed"),
    ({"auth": "off"}, "auth"),
    ({"now": 1709222400}, "now"),
    ({"data_lag_minutes": 5}, "data_lag_minutes"),
    ({"product_errors": "gateway", "seed": 3}, "seed"),
    ({"empty_buckets": "omit", "host_id": "x"}, "host_id"),
    ({"product_errors": "xml"}, "product_errors"),
    ({"values_encoding": "triple"}, "values_encoding"),
    ({"empty_buckets": True}, "empty_buckets"),
    ({"empty_buckets": "omit", "values_encoding": "DOUBLE!"}, "values_encoding"),
])
def test_patching_anything_else_is_refused_and_changes_nothing(aicontent_emulator: Emulator,
                                                               control: httpx.Client, body: dict, name: str) -> None:
    before = control.get("/config").json()
    r = control.patch("/config", json=body)
    assert r.status_code == 400 and r.json()["Code"] == "InvalidParameter"
    assert f'"{name}"' in r.json()["Message"]
    assert control.get("/config").json() == before
    check_form(denied(aicontent_emulator), "both")


def test_set_forms_refuses_unknown_names_and_values(aicontent_emulator: Emulator) -> None:
    for kw in ({"seed": "3"}, {"product_errors": "xml"}, {"empty_buckets": "omit", "values_encoding": "x"},
               {"client_list": "tree"}, {"client_list": "all", "empty_buckets": "none"}, {"exhaustion": "stop"},
               {"discounted_amounts": "none"}):
        with pytest.raises(ValueError):
            aicontent_emulator.set_forms(**kw)
    assert aicontent_emulator.forms.public() == {"product_errors": "both", "values_encoding": "single",
                                                 "empty_buckets": "zero", "client_list": "leaves",
                                                 "exhaustion": "negative", "discounted_amounts": "payable"}


# -- values_encoding ---------------------------------------------------------------------------
def decode_values(text: str) -> dict[str, Any]:
    """A row's values under either encoding: once (single) or twice (double)."""
    value = json.loads(text)
    if isinstance(value, str):
        value = json.loads(value)
    assert isinstance(value, dict)
    return value


def sdk_rows(emu: Emulator, **kw: Any) -> list[Any]:
    return list(emu.client("admin").model_router_query_cost_model_detail(request(page_size=24, **kw)).body.data.rows)


@pytest.mark.parametrize("model_id", [1, 7, 8, 9, 11, 12])
def test_double_rows_decode_twice_to_the_single_figures(aicontent_emulator: Emulator, model_id: int) -> None:
    single = sdk_rows(aicontent_emulator, model_id=model_id)
    aicontent_emulator.set_forms(values_encoding="double")
    double = sdk_rows(aicontent_emulator, model_id=model_id)
    assert [r.timestamp for r in double] == [r.timestamp for r in single] and len(single) == 24
    for s, d in zip(single, double):
        once = json.loads(d.values)
        assert isinstance(once, str) and once == s.values
        assert d.values == json.dumps(s.values)
        assert json.loads(once) == json.loads(s.values) == decode_values(d.values)
        assert decode_values(d.values)["timestamp"] == d.timestamp


@pytest.mark.aicontent_forms("values_encoding")
def test_a_client_decoding_both_encodings(aicontent_emulator: Emulator, aicontent_client: Any,
                                          aicontent_form: dict[str, str]) -> None:
    rows = aicontent_client.model_router_query_cost_model_detail(request(page_size=24)).body.data.rows
    double = aicontent_form["values_encoding"] == "double"
    assert all(isinstance(json.loads(r.values), str) == double for r in rows)
    decoded = [decode_values(r.values) for r in rows]
    assert [d["timestamp"] for d in decoded] == [r.timestamp for r in rows]
    assert all(isinstance(d["total_calls"], int) and isinstance(d["total_amount"], float | int) for d in decoded)
    aicontent_emulator.set_forms(values_encoding="single")
    reference = [json.loads(r.values) for r in sdk_rows(aicontent_emulator)]
    assert decoded == reference
