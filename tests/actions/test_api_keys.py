"""The API keys' masked reads: ModelRouterQueryApiKeyList (GET apikeys), ModelRouterQueryApiKey
(GET apikeys/{id}), ModelRouterGetMemberApiKeys (GET clients/{clientId}/members/{id}/apikeys) and
ModelRouterQueryModelGroupsByApiKey (GET apikeys/{id}/model-groups): through the SDK and on the
wire, their filters and paging, validation rows, RAM account by account and the department scope.
CopyApiKey and the secrets are in test_copy_api_key.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import (
    DENIED,
    DEPARTMENTS,
    KEYS,
    assert_sdk_answer,
    body,
    check_ram,
    get,
    invalid,
    ok,
    refused,
)
from kit import assert_error

from emulator.server import Emulator

MASKED = re.compile(r"sk-[0-9a-f]{3}\*{4}[0-9a-f]{4}")  # README: sk-1a2****9f3e
ORG_KEYS = sorted(k for k, (dep, _) in KEYS.items() if dep != 11)
FIXTURE_NAMES = {k["id"]: k["name"] for d in DEPARTMENTS.values() for k in d["apiKeys"] if "name" in k}


def key_ids(emu: Emulator, account: str | None = None, **query: Any) -> list[int]:
    return [k["id"] for k in ok(get(emu, "QueryApiKeyList", account=account, **query))["data"]["list"]]


def test_key_list_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    got = body(client, "QueryApiKeyList", pageSize=50)
    data = got.data
    assert isinstance(data, models.ModelRouterQueryApiKeyListResponseBodyData)
    assert (data.max_result, data.next_token, data.page, data.page_size, data.total) == ("50", "", 1, 50, 11)
    assert got.max_results == 50 and [k.id for k in data.list] == ORG_KEYS
    aicontent_emulator.set_forms(client_list="all")
    clients = {c.id: c.to_map() for c in body(client, "QueryClientList").data.list}
    users = {u.id: u.name for u in body(client, "QueryUserList").data.list}
    for k in data.list:
        assert isinstance(k, models.ApiKeyDTO) and isinstance(k.client, models.ClientDTO)
        dep, member = KEYS[k.id]
        assert (k.client_id, k.member_user_id, k.member_user_name) == (dep, member or 0, users.get(member, ""))
        assert k.client.to_map() == clients[dep]
        assert MASKED.fullmatch(k.key) and k.key == k.key_preview
        assert k.name == FIXTURE_NAMES.get(k.id, k.name) and k.name and k.delete_tag == 0


@pytest.mark.parametrize("query, want", [
    ({"clientId": 2}, [5104]), ({"clientId": 2, "includeMemberKeys": "true"}, [5101, 5102, 5103, 5104, 5105]),
    ({"clientId": 2, "includeMemberKeys": "false"}, [5104]), ({"clientId": 1}, [5001]),
    ({"memberUserIds": "1001"}, [5101, 5105]), ({"memberUserIds": "1001,1004"}, [5101, 5105, 5201]),
    ({"clientId": 3, "includeMemberKeys": "true", "memberUserIds": "1005"}, [5202]),
    ({"keyword": "共享"}, [5001, 5104, 5203, 5302]), ({"keyword": "KEY-52"}, [5201, 5202]), ({"status": 1}, ORG_KEYS),
    ({"status": 0}, []), ({"orderBy": "id", "orderDirection": "DESC"}, ORG_KEYS[::-1]),
    ({"groupBy": "x", "needTotalCount": "true"}, ORG_KEYS)], ids=str)
def test_key_list_filters(aicontent_emulator: Emulator, query: dict[str, Any], want: list[int]) -> None:
    data = ok(get(aicontent_emulator, "QueryApiKeyList", **query))["data"]
    assert [k["id"] for k in data["list"]] == want and data["total"] == len(want)


def test_key_list_order_by_name_and_paging(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    listed = ok(get(emu, "QueryApiKeyList", orderBy="name"))["data"]["list"]
    assert [k["name"] for k in listed] == sorted(k["name"] for k in listed)
    assert key_ids(emu, pageSize=4, pageIndex=3) == ORG_KEYS[8:] and key_ids(emu, pageSize=4, pageIndex=4) == []
    walked, token = [], None
    for _ in range(20):
        raw = ok(get(emu, "QueryApiKeyList", maxResults=3, nextToken=token))
        assert raw["maxResults"] == 3 and raw["data"]["maxResult"] == "3"
        walked += [k["id"] for k in raw["data"]["list"]]
        token = raw["data"]["nextToken"]
        if not token:
            break
    assert walked == ORG_KEYS
    token = ok(get(emu, "QueryApiKeyList", maxResults=3))["data"]["nextToken"]
    invalid(get(emu, "QueryApiKeyList", maxResults=3, clientId=2, nextToken=token), "nextToken", "different query")
    raw = assert_sdk_answer(get(emu, "QueryApiKeyList", maxResults=2), "QueryApiKeyList")
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data", "maxResults"]
    assert list(raw["data"]) == ["list", "maxResult", "nextToken", "page", "pageSize", "total"]


def test_one_key_and_a_members_keys_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    listed = {k.id: k.to_map() for k in body(client, "QueryApiKeyList", pageSize=50).data.list}
    for key_id, entry in listed.items():
        one = body(client, "QueryApiKey", key_id).data
        assert isinstance(one, models.ApiKeyDecryptedDTO)
        assert one.to_map() == {k: v for k, v in entry.items() if k not in ("memberUserId", "memberUserName")}
    member = body(client, "GetMemberApiKeys", 2, 1001).data
    assert isinstance(member, models.ModelRouterGetMemberApiKeysResponseBodyData)
    assert [k.id for k in member.list] == [5101, 5105] and (member.page, member.page_size, member.total) == (1, 20, 2)
    for k in member.list:
        assert isinstance(k, models.MemberApiKeyDTO) and (k.status, k.expire_at) == ("active", "")
        assert {n: v for n, v in k.to_map().items() if n not in ("status", "expireAt")} == listed[k.id]
    assert [k.id for k in body(client, "GetMemberApiKeys", 2, 1001, keyword="5105").data.list] == [5105]
    assert [k.id for k in body(client, "GetMemberApiKeys", 2, 1001, pageSize=1, pageIndex=2).data.list] == [5105]
    for name, path in (("QueryApiKey", (5001,)), ("GetMemberApiKeys", (3, 1005))):
        assert_sdk_answer(get(aicontent_emulator, name, *path), name)


@pytest.mark.parametrize("key, bind, client_id, groups, models_", [
    (5001, "all", 1, [], list(range(1, 13))), (5101, "all", 2, [], list(range(1, 13))),
    (5201, "department", 3, ["mg_chat", "mg_vision"], [7]), (5203, "department", 3, ["mg_chat", "mg_vision"], [7]),
    (5202, "member", 3, ["mg_vision"], [1, 3]), (5301, "department", 4, [], [1, 2, 3, 7])])
def test_model_groups_by_key(aicontent_emulator: Emulator, key: int, bind: str, client_id: int, groups: list[str],
                             models_: list[int]) -> None:
    client = aicontent_emulator.client("admin")
    data = body(client, "QueryModelGroupsByApiKey", key).data
    assert isinstance(data, models.ModelRouterQueryModelGroupsByApiKeyResponseBodyData)
    assert (data.bind_type, data.client_id, [g.group_id for g in data.groups], data.standalone_model_list) == (
        bind, client_id, groups, models_)
    for g in data.groups:
        assert isinstance(g, models.ModelGroupDTO)
        assert g.to_map() == body(client, "QueryModelGroup", g.group_id).data.to_map()
    assert_sdk_answer(get(aicontent_emulator, "QueryModelGroupsByApiKey", key), "QueryModelGroupsByApiKey")


CASES = [
    ("QueryApiKeyList", (), {"clientId": "x"}, "clientId", "base-10 integer"),
    ("QueryApiKeyList", (), {"clientId": "99"}, "clientId", "no department has id 99"),
    ("QueryApiKeyList", (), {"clientId": "11"}, "clientId", "no department has id 11"),
    ("QueryApiKeyList", (), {"memberUserIds": "1001,x"}, "memberUserIds", "base-10 integer"),
    ("QueryApiKeyList", (), {"memberUserIds": "1001,1001"}, "memberUserIds", "more than once"),
    ("QueryApiKeyList", (), {"includeMemberKeys": "maybe"}, "includeMemberKeys", "true or false"),
    ("QueryApiKeyList", (), {"status": "on"}, "status", "base-10 integer"),
    ("QueryApiKeyList", (), {"pageSize": "101"}, "pageSize", "between 1 and 100"),
    ("QueryApiKeyList", (), {"maxResults": "101"}, "maxResults", "between 1 and 100"),
    ("QueryApiKeyList", (), {"orderBy": "key"}, "orderBy", "must be one of id, name"),
    ("QueryApiKeyList", (), {"orderDirection": "sideways"}, "orderDirection", "must be one of ASC, DESC"),
    ("QueryApiKeyList", (), {"keyword": "k" * 129}, "keyword", "longer than 128"),
    ("QueryApiKey", ("x",), {}, "id", "base-10 integer"), ("QueryApiKey", ("0",), {}, "id", "positive API key id"),
    ("QueryApiKey", ("99",), {}, "id", "no API key has id 99"),
    ("QueryApiKey", ("6101",), {}, "id", "no API key has id 6101"),
    ("QueryModelGroupsByApiKey", ("x",), {}, "id", "base-10 integer"),
    ("QueryModelGroupsByApiKey", ("6102",), {}, "id", "no API key has id 6102"),
    ("GetMemberApiKeys", ("x", "1001"), {}, "clientId", "base-10 integer"),
    ("GetMemberApiKeys", ("2", "x"), {}, "id", "base-10 integer"),
    ("GetMemberApiKeys", ("99", "1001"), {}, "clientId", "no department has id 99"),
    ("GetMemberApiKeys", ("2", "99"), {}, "id", "no member has id 99"),
    ("GetMemberApiKeys", ("3", "1001"), {}, "id", "member 1001 does not belong to department 3"),
    ("GetMemberApiKeys", ("2", "1001"), {"pageSize": "101"}, "pageSize", "between 1 and 100"),
]


@pytest.mark.parametrize("name, path, query, param, reason", CASES,
                         ids=[f"{n}-{'/'.join(p)}-{param}:{r[:12]}" for n, p, _, param, r in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, name: str, path: tuple[str, ...], query: dict[str, str],
                            param: str, reason: str) -> None:
    invalid(get(aicontent_emulator, name, *path, **query), param, reason)


def test_invalid_through_the_sdk(aicontent_client: Any) -> None:
    for name, path, fields, wire in (("QueryApiKey", ("k",), {}, "id"), ("QueryApiKeyList", (), {"clientId": 99},
                                                                         "clientId"),
                                     ("GetMemberApiKeys", (2, 1004), {}, "id")):
        err = refused(aicontent_client, name, *path, **fields)
        assert (err.code, err.status_code) == ("InvalidParameter", 400) and f'"{wire}"' in err.message, name


@pytest.mark.parametrize("members", ["424242", "2001", "1001,424242"])
def test_the_member_filter_names_members_of_the_organisation(aicontent_emulator: Emulator, members: str) -> None:
    """README "Scope": an unknown or foreign id is 400 InvalidParameter naming the parameter."""
    invalid(get(aicontent_emulator, "QueryApiKeyList", memberUserIds=members), "memberUserIds", "no member has id")


def test_an_empty_member_filter_is_the_departments_own_keys(aicontent_emulator: Emulator) -> None:
    """The SDK: "If an empty value is specified, only the department is included without members"."""
    assert key_ids(aicontent_emulator, memberUserIds="") == [5001, 5104, 5203, 5302]
    assert key_ids(aicontent_emulator, clientId=2, includeMemberKeys="true", memberUserIds="") == [5104]


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    check_ram(emu, "QueryApiKeyList")
    check_ram(emu, "QueryApiKey", 5101)
    check_ram(emu, "GetMemberApiKeys", 2, 1001)
    check_ram(emu, "QueryModelGroupsByApiKey", 5202)
    for name, path in (("QueryApiKey", (99,)), ("GetMemberApiKeys", (99, 99)), ("QueryModelGroupsByApiKey", (99,))):
        assert_error(get(emu, name, *path, account="denied"), 403, DENIED)  # RAM before existence


def test_department_scope(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    assert key_ids(emu, "dept-scoped") == [5101, 5102, 5103, 5104, 5105]
    assert key_ids(emu, "other-org-admin") == [6101, 6102]
    for name, path, query in (("QueryApiKeyList", (), {"clientId": 3}), ("QueryApiKeyList", (), {"clientId": 4}),
                              ("QueryApiKey", (5201,), {}), ("QueryApiKey", (5302,), {}),
                              ("QueryModelGroupsByApiKey", (5201,), {}), ("GetMemberApiKeys", (3, 1004), {})):
        assert_error(get(emu, name, *path, account="dept-scoped", **query), 403, DENIED, "outside the scope")
    assert ok(get(emu, "QueryApiKey", 5102, account="dept-scoped"))["data"]["clientId"] == 2
    invalid(get(emu, "QueryApiKey", 99, account="dept-scoped"), "id", "no API key has id 99")
    invalid(get(emu, "GetMemberApiKeys", 2, 1004, account="dept-scoped"), "id", "does not belong to department 2")
    invalid(get(emu, "QueryApiKey", 5101, account="other-org-admin"), "id", "no API key has id 5101")


def test_a_scoped_caller_naming_another_departments_member_is_refused(aicontent_emulator: Emulator) -> None:
    r = get(aicontent_emulator, "QueryApiKeyList", account="dept-scoped", memberUserIds="1004")
    assert_error(r, 403, DENIED, "outside the scope")
