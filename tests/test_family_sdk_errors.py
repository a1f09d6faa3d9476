"""The billing family's errors as the official SDK raises them: missing and invalid parameters,
the RAM rules account by account, organisation and department scope, page tokens bound to the
action, and (raw) an x-acs-action naming another action."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from family_helpers import ACTIONS, COST, NEW, REQUESTS, SPAN, call, sdk
from helpers import DAY, MARCH_1, error_of

from emulator.server import Emulator

DENIED, NO_ORG = "B.Permission.DeniedException", "B.Permission.OrgNoExistException"
OK = "ok"
RAM = {  # account → action → outcome, from the briefing's RAM rules
    "admin": dict.fromkeys(NEW, OK),
    "readonly": dict.fromkeys(NEW, OK),
    "denied": {**dict.fromkeys(NEW, DENIED), "tabs": OK},
    "explicit-deny": {**dict.fromkeys(NEW, OK), **dict.fromkeys(COST, DENIED)},
    "no-org": dict.fromkeys(NEW, NO_ORG),
    "dept-scoped": dict.fromkeys(NEW, OK),
    "other-org-admin": dict.fromkeys(NEW, OK),
}
SPAN_RAW = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}
MESSAGES = {DENIED: "鉴权失败或权限不足", NO_ORG: "组织不存在,请主账号开通权限后再试,或联系管理员"}


def refused(client: Any, name: str, **kw: Any) -> ClientException:
    request, method = REQUESTS[name]
    if name in COST:
        kw = {**SPAN, **kw}
    with pytest.raises(ClientException) as info:
        getattr(client, method)(request(**kw))
    assert info.value.request_id and info.value.request_id != "None"
    return info.value


@pytest.mark.parametrize("algorithm", [None, "v2"])  # ACS3 (the SDK's default) and the ROA signature
@pytest.mark.parametrize("account", list(RAM))
def test_ram_account_by_account(aicontent_emulator: Emulator, account: str, algorithm: str | None) -> None:
    client = aicontent_emulator.client(account, signature_algorithm=algorithm)
    for name, outcome in RAM[account].items():
        if outcome == OK:
            assert sdk(client, name).success, (account, name)
            continue
        err = refused(client, name)
        assert (err.code, err.status_code) == (outcome, 403), (account, name)
        assert err.data["errCode"] == outcome and err.data["errMessage"] == MESSAGES[outcome]
        assert err.data["success"] is False and err.data["data"] is None


def test_model_detail_follows_the_same_billing_deny(aicontent_emulator: Emulator) -> None:
    from alibabacloud_aicontent20240611 import models

    request = models.ModelRouterQueryCostModelDetailRequest(model_id=1, **SPAN)
    for account, outcome in (("explicit-deny", DENIED), ("denied", DENIED), ("no-org", NO_ORG)):
        with pytest.raises(ClientException) as info:
            aicontent_emulator.client(account).model_router_query_cost_model_detail(request)
        assert info.value.code == outcome


@pytest.mark.parametrize("name", COST)
def test_department_scope(aicontent_emulator: Emulator, name: str) -> None:
    scoped = aicontent_emulator.client("dept-scoped")
    admin = aicontent_emulator.client("admin")
    mine = sdk(scoped, name).to_map()["data"]
    assert mine == sdk(scoped, name, client_id=2).to_map()["data"] == sdk(admin, name, client_id=2).to_map()["data"]
    assert mine != sdk(admin, name).to_map()["data"]
    for kw in ({"client_id": 3}, {"client_id": 1}, {"client_id": 4}, {"client_ids": "2,3"}, {"client_ids": "4"}):
        err = refused(scoped, name, **kw)
        assert (err.code, err.status_code) == (DENIED, 403), kw
    err = refused(scoped, name, client_id=11)  # another organisation's: it does not exist for this caller
    assert err.code == "InvalidParameter" and "no department has id 11" in err.data["Message"]


def test_department_scope_client_tree(aicontent_emulator: Emulator) -> None:
    tree = sdk(aicontent_emulator.client("dept-scoped"), "tree").data
    assert [(n.id, n.level, n.parent_id, n.main, n.children) for n in tree] == [(2, 1, 0, 0, [])]
    other = sdk(aicontent_emulator.client("other-org-admin"), "tree").data
    assert [(n.id, n.name, n.user_id, n.children) for n in other] == [(11, "运营部", 20002, [])]


@pytest.mark.parametrize("name", COST)
@pytest.mark.parametrize("missing", ["start_time", "end_time"])
def test_missing_time(aicontent_client: Any, name: str, missing: str) -> None:
    request, method = REQUESTS[name]
    with pytest.raises(ClientException) as info:
        getattr(aicontent_client, method)(request(**{k: v for k, v in SPAN.items() if k != missing}))
    wire = "startTime" if missing == "start_time" else "endTime"
    assert (info.value.code, info.value.status_code) == ("MissingParameter", 400)
    assert info.value.data["Message"] == (f'The input parameter "{wire}" that is mandatory for processing this request '
                                  "is not supplied.")


INVALID = [  # (actions, SDK keywords, wire name, part of the reason)
    (COST, {"end_time": MARCH_1}, "endTime", "later than startTime"),
    (COST, {"end_time": MARCH_1 + 367 * DAY}, "endTime", "maximum of 366 days"),
    (COST, {"start_time": MARCH_1 * 1000}, "startTime", "milliseconds"),
    (COST, {"client_id": 2, "client_ids": "3"}, "clientIds", "cannot be combined with clientId"),
    (COST, {"api_key_id": 5101}, "apiKeyId", "requires clientId"),
    (COST, {"api_key_id": 5201, "client_id": 2}, "apiKeyId", "no API key has id 5201"),
    (COST, {"client_id": 999}, "clientId", "no department has id 999"),
    (COST, {"member_user_ids": "424242"}, "memberUserIds", "no member has id 424242"),
    (COST, {"model_types": "Chat,,TTS"}, "modelTypes", "model types"),
    (COST, {"model_types": "chat,Chat"}, "modelTypes", "more than once"),
    (COST, {"next_token": "garbage"}, "nextToken", "malformed"),
    (NEW, {"max_results": 101}, "maxResults", "between 1 and 100"),
    (["overview", "trend", "models"], {"granularity": "weekly"}, "granularity", "must be one of hourly, daily"),
    (["trend"], {"granularity": "hourly", "end_time": MARCH_1 + 32 * DAY}, "granularity", "31 days"),
    (["models"], {"search": "x" * 129}, "search", "longer than 128"),
    (["summary"], {"model_id": 999}, "modelId", "no model has id 999"),
    (["catalogue"], {"page_size": 0}, "pageSize", "between 1 and 100"),
    (["catalogue"], {"page_index": 0}, "pageIndex", "between 1"),
    (["catalogue"], {"order_by": "price"}, "orderBy", "must be one of id, name, modelCode"),
    (["catalogue"], {"order_direction": "up"}, "orderDirection", "must be one of ASC, DESC"),
    (["catalogue"], {"model_type": "Chat TTS"}, "modelType", "model types"),
    (["catalogue"], {"keyword": "k" * 129}, "keyword", "longer than 128"),
]
CASES = [(name, kw, wire, reason) for names, kw, wire, reason in INVALID for name in names]


@pytest.mark.parametrize("name, kw, wire, reason", CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:20]}" for c in CASES])
def test_invalid_parameter(aicontent_client: Any, name: str, kw: dict, wire: str, reason: str) -> None:
    err = refused(aicontent_client, name, **kw)
    assert (err.code, err.status_code) == ("InvalidParameter", 400)
    message = err.data["Message"]
    assert message.startswith(f'The parameter "{wire}" is invalid: ') and reason in message, message


@pytest.mark.parametrize("name", ["overview", "trend", "models", "summary"])
def test_tokens_of_another_action_are_refused(aicontent_emulator: Emulator, aicontent_client: Any,
                                              name: str) -> None:
    detail = call(aicontent_emulator.url, "detail", {"modelId": 1, "startTime": MARCH_1,
                                                     "endTime": MARCH_1 + 2 * DAY, "maxResults": 1}).json()
    others = {n: sdk(aicontent_client, n, max_results=1).next_token for n in COST}
    foreign = [detail["nextToken"]] + [t for n, t in others.items() if n != name]
    assert all(foreign) and sdk(aicontent_client, name, max_results=1, next_token=others[name]).success
    for token in foreign:
        err = refused(aicontent_client, name, max_results=1, next_token=token)
        assert err.code == "InvalidParameter" and err.data["Message"].startswith('The parameter "nextToken"')
        assert "different query" in err.data["Message"]
    err = refused(aicontent_client, name, max_results=1, next_token=others[name], client_id=3)
    assert "different query" in err.data["Message"]
    scoped = sdk(aicontent_emulator.client("dept-scoped"), name, max_results=1).next_token
    err = refused(aicontent_client, name, max_results=1, next_token=scoped)  # another caller's scope
    assert "different query" in err.data["Message"]


@pytest.mark.parametrize("name", NEW)
def test_x_acs_action_must_name_the_paths_action(aicontent_emulator: Emulator, name: str) -> None:
    params = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY} if name in COST else {}
    action = ACTIONS[name][0]
    assert call(aicontent_emulator.url, name, params, headers={"x-acs-action": action}).status_code == 200
    for wrong in ("ModelRouterQueryCostModelDetail", ACTIONS["trend" if name != "trend" else "overview"][0],
                  action.lower()):
        r = call(aicontent_emulator.url, name, params, headers={"x-acs-action": wrong})
        assert r.status_code == 400, (wrong, r.text)
        body = error_of(r)
        assert (body["Code"], body["Message"]) == ("InvalidAction", "Specified parameter Action is not valid.")
        assert wrong in body["reason"] and r.headers["content-type"] == "application/json;charset=utf-8"
    r = httpx.get(aicontent_emulator.url + ACTIONS[name][1], params=params, headers={"x-acs-action": "Nope"})
    assert r.headers["content-type"] == "text/xml;charset=utf-8" and error_of(r)["Code"] == "InvalidAction"
    r = call(aicontent_emulator.url, name, params, headers={"x-acs-action": action, "x-acs-version": "2023-01-01"})
    assert r.status_code == 400 and error_of(r)["Code"] == "InvalidVersion"


@pytest.mark.parametrize("form, keys", [
    ("both", ["requestId", "success", "errCode", "errMessage", "httpStatusCode", "data", "Code", "Message",
              "RequestId"]),
    ("documented", ["requestId", "success", "errCode", "errMessage", "httpStatusCode", "data"]),
    ("gateway", ["RequestId", "HostId", "Code", "Message", "Recommend"]),
])
def test_product_error_forms(aicontent_emulator: Emulator, form: str, keys: list[str]) -> None:
    """A RAM refusal of a family action comes in the product_errors form in force, always JSON."""
    aicontent_emulator.set_forms(product_errors=form)
    for account, name, code in (("denied", "overview", DENIED), ("explicit-deny", "summary", DENIED),
                                ("no-org", "tabs", NO_ORG)):
        r = call(aicontent_emulator.url, name, SPAN_RAW if name in COST else {},
                 aicontent_emulator.accounts[account], headers={"accept": "*/*"})
        assert r.status_code == 403 and r.headers["content-type"] == "application/json;charset=utf-8"
        body = r.json()
        assert list(body) == keys
        assert body.get("errCode", body.get("Code")) == code
        assert body.get("errMessage", body.get("Message")) == MESSAGES[code]
