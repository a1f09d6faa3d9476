"""The control API's bodies: a malformed fault rule is refused by field (400 InvalidParameter, never a
500) and changes nothing, over HTTP and through the Python API, however deep, long or oddly encoded
(a body of at most 64 KiB, no lone surrogates); its errors are JSON whatever Accept; the OpenAPI
document declares each body."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from helpers import API, DAY, MARCH_1

from emulator.server import Emulator
from emulator.validation import FieldError

QUERY = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}
TOO_LONG = b'{"code":"Throttling.User","match":{"query":{"modelId":"' + b"1" * 70_000 + b'"}}}'


JSON = {"content-type": "application/json"}


def deep_list(depth: int) -> list[Any]:
    nested: list[Any] = []
    for _ in range(depth):
        nested = [nested]
    return nested


# -- malformed fault rules ------------------------------------------------------------------
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
    r = http.post("/_emulator/faults", content=exact, headers=JSON)
    assert r.status_code == 400 and r.json()["Message"].startswith('The parameter "x" is invalid')
    r = http.post("/_emulator/faults", content=exact[:-2] + b'y"}', headers=JSON)
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


# -- a lone surrogate ------------------------------------------------------------------------
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
    r = http.post("/_emulator/faults", content=raw, headers=JSON)
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


# -- the control API's errors are JSON whatever Accept, and its bodies are in the document ---
JSON_CT = "application/json;charset=utf-8"


def test_the_control_api_answers_errors_in_json_whatever_accept(aicontent_emulator: Emulator) -> None:
    with httpx.Client(base_url=aicontent_emulator.url) as client:
        r = client.patch("/_emulator/config", json={"seed": 1}, headers={"accept": "*/*"})
    assert (r.status_code, r.headers["content-type"]) == (400, JSON_CT)
    assert r.json()["Code"] == "InvalidParameter"


# -- the OpenAPI document ----------------------------------------------------------------
@pytest.fixture
def openapi(aicontent_emulator: Emulator) -> dict[str, Any]:
    r = httpx.get(aicontent_emulator.url + "/_emulator/openapi.json")
    assert r.status_code == 200
    return dict(r.json())


@pytest.mark.parametrize("method, path, schema", [
    ("post", "/_emulator/faults", "FaultRuleSpec"),
    ("patch", "/_emulator/config", "FormsPatch"),
    ("put", "/_emulator/clock", "ClockSpec"),
    ("post", "/_emulator/clock/advance", "Advance"),
    ("post", "/_emulator/usage-events", "UsageEventSpec"),
])
def test_openapi_control_bodies_are_declared_and_referenced(openapi: dict[str, Any], method: str, path: str,
                                                            schema: str) -> None:
    body = openapi["paths"][path][method]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{schema}"}
    declared = openapi["components"]["schemas"][schema]
    assert declared["type"] == "object" and declared["properties"]
    json.dumps(declared)


def test_openapi_schemas_carry_the_new_fields(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert "retryAfterMs" in schemas["FaultRuleSpec"]["properties"]
    forms = schemas["FormsPatch"]["properties"]
    assert set(forms) == {"product_errors", "values_encoding", "empty_buckets", "client_list", "exhaustion",
                          "discounted_amounts"}
    assert json.dumps(forms["product_errors"]).count("documented") >= 1
    assert "leaves" in json.dumps(forms["client_list"]) and "all" in json.dumps(forms["client_list"])
    assert "throttle" in json.dumps(forms["exhaustion"])
    assert "payable" in json.dumps(forms["discounted_amounts"]) and "all" in json.dumps(forms["discounted_amounts"])
    assert set(schemas["ClockSpec"]["properties"]) >= {"now", "dataLagMinutes"}
    assert "seconds" in schemas["Advance"]["properties"]
    assert {"startTime", "endTime", "factor", "set"} <= set(schemas["UsageEventSpec"]["properties"])
