"""The contract every action of the table keeps, emulated or not, checked action by action: its
own SDK method reaches it, the OpenAPI document describes it, a wrong x-acs-action is refused,
auth=required refuses it unsigned, a fault rule can target it by name, the journal names it,
and one that is not emulated yet answers 501 NotImplemented (after its syntax checks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
from kit import ACTIONS, EMULATED, NOT_EMULATED, assert_error, raw, sample_fields, sdk_call, write_sample

from emulator.api.spec import Action
from emulator.server import Emulator

IDS = [a.name.removeprefix("ModelRouter") for a in ACTIONS]


def path_args(a: Action) -> list[str]:
    """Path arguments that exist in the default fixture, by what they name."""
    named = {"department": "2", "member": "1001", "api_key": "5101", "model": "1", "live_model": "1",
             "model_group": "mg_chat"}
    return [named[p.resolve] if p.resolve else {"groupId": "mg_1"}.get(p.name, "2") for p in a.path_params]


@pytest.fixture(scope="module")
def document(aicontent_emulator_session: Emulator) -> dict[str, Any]:
    return httpx.get(aicontent_emulator_session.url + "/_emulator/openapi.json").json()


@pytest.fixture(scope="module")
def required_emulator() -> Iterator[Emulator]:
    with Emulator(auth="required") as emu:
        yield emu


@pytest.mark.parametrize("a", ACTIONS, ids=IDS)
def test_its_sdk_method_reaches_it(aicontent_emulator: Emulator, a: Action) -> None:
    client = aicontent_emulator.client("admin")
    if a.emulated:
        path, fields = write_sample(client, a.name) if a.method != "GET" else (path_args(a), sample_fields(a))
        response = sdk_call(client, a.name, *path, **fields)
        assert response.status_code == 200 and response.body.success
    else:
        with pytest.raises(ServerException) as caught:
            sdk_call(client, a.name, *path_args(a), **sample_fields(a))
        assert (caught.value.status_code, caught.value.code) == (501, "NotImplemented")
        assert f"{a.name} is not emulated yet" in caught.value.message
    entry = aicontent_emulator.requests[-1]
    assert (entry.action, entry.method) == (a.name, a.method)


@pytest.mark.parametrize("a", ACTIONS, ids=IDS)
def test_the_openapi_document_describes_it(document: dict[str, Any], a: Action) -> None:
    op = document["paths"][a.full_path][a.method.lower()]
    assert op["operationId"] == a.name and a.sdk_method in op["description"]
    declared = {(p["name"], p["in"]) for p in op["parameters"]}
    assert declared == {(p.name, p.location) for p in a.params}
    assert all(p["required"] for p in op["parameters"] if p["in"] == "path")
    assert ("requestBody" in op) == bool(a.body_fields or a.body or a.any_body)
    assert ("501" in op["responses"]) == (not a.emulated) and ("200" in op["responses"]) == a.emulated


@pytest.mark.parametrize("a", ACTIONS, ids=IDS)
def test_a_wrong_x_acs_action_is_refused(aicontent_emulator: Emulator, a: Action) -> None:
    r = raw(aicontent_emulator, a.name, *path_args(a), query=sample_fields(a) if a.method == "GET" else None,
            body=None if a.method == "GET" else sample_fields(a), headers={"x-acs-action": "ModelRouterOther"})
    assert_error(r, 400, "InvalidAction", a.name)


@pytest.mark.parametrize("a", ACTIONS, ids=IDS)
def test_auth_required_refuses_it_unsigned(required_emulator: Emulator, a: Action) -> None:
    r = raw(required_emulator, a.name, *path_args(a))
    assert_error(r, 400, "IncompleteSignature", "auth=required")


@pytest.mark.parametrize("a", ACTIONS, ids=IDS)
def test_a_fault_rule_can_target_it(aicontent_emulator: Emulator, a: Action) -> None:
    aicontent_emulator.faults.add({"code": "Throttling.User", "match": {"action": a.name}, "times": 1})
    client = aicontent_emulator.client("admin")
    with pytest.raises(ClientException) as caught:
        sdk_call(client, a.name, *path_args(a), **sample_fields(a))
    assert caught.value.code == "Throttling.User"
    assert aicontent_emulator.requests[-1].error_code == "Throttling.User"


@pytest.mark.parametrize("a", NOT_EMULATED, ids=[a.name.removeprefix("ModelRouter") for a in NOT_EMULATED])
def test_not_emulated_after_its_syntax_is_checked(aicontent_emulator: Emulator, a: Action) -> None:
    """Path, query and body are checked first: a wrong one is 400, a right one 501 (XML by Accept)."""
    if a.path_params and a.path_params[0].kind == "id":
        bad = ["x"] + path_args(a)[1:]
        assert_error(raw(aicontent_emulator, a.name, *bad), 400, "InvalidParameter", a.path_params[0].name)
    required = [p for p in a.by_name.values() if p.required]
    if required:
        assert_error(raw(aicontent_emulator, a.name, *path_args(a)), 400, "MissingParameter", required[0].name)
    if a.body_fields:
        assert_error(raw(aicontent_emulator, a.name, *path_args(a), body=b"[1]"), 400, "InvalidParameter", "body")
    query = sample_fields(a) if a.method == "GET" else None
    body = None if a.method == "GET" else sample_fields(a)
    r = raw(aicontent_emulator, a.name, *path_args(a), query=query, body=body, headers={"accept": "*/*"})
    assert r.status_code == 501 and r.headers["content-type"] == "text/xml;charset=utf-8"
    assert "<Code>NotImplemented</Code>" in r.text and f"{a.name} is not emulated yet" in r.text


def test_the_table_is_the_whole_sdk() -> None:
    assert len(ACTIONS) == 91 and len(EMULATED) + len(NOT_EMULATED) == 91
