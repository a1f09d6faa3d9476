"""The billing family's errors as the official SDK raises them: missing and invalid parameters,
the RAM rules account by account, organisation and department scope, page tokens bound to the
action, and (raw) an x-acs-action naming another action."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from family_helpers import ACTIONS, COST, NEW, call, refused, sdk
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
