"""The model groups' reads: ModelRouterQueryModelGroupList (GET model-groups), QueryModelGroup
(GET model-groups/{groupId}) and the group's models, departments and members (…/models, …/clients,
…/users), through the SDK and on the wire, against the fixture file's groups and authorizations
(department 3 names mg_chat and mg_vision, member 1005 mg_vision); filters, both paging styles,
validation rows, RAM account by account and the department scope."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import DENIED, assert_sdk_answer, body, check_ram, get, invalid, ok, refused
from family_helpers import CODES, WIRE_TYPE
from helpers import DEFAULT_FIXTURE
from kit import assert_error

from emulator.server import Emulator

GROUPS = {g["groupId"]: g for g in DEFAULT_FIXTURE["organizations"][0]["modelGroups"]}
GROUP = ["gmtCreate", "gmtModified", "groupId", "modelCount", "modelList", "name", "type"]
PAGED = ["requestId", "success", "httpStatusCode", "data", "maxResults", "nextToken"]
BOUND_CLIENTS = {"mg_chat": [(3, [5203])], "mg_vision": [(3, [5203])], "mg_speech": []}
BOUND_USERS = {"mg_chat": [], "mg_vision": [(1005, [5202])], "mg_speech": []}


def listed(emu: Emulator, name: str, *path: Any, account: str | None = None, **query: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ok(get(emu, name, *path, account=account, **query))["data"]["list"]
    return items


def test_group_list_and_one_group_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    got = body(client, "QueryModelGroupList")
    data = got.data
    assert isinstance(data, models.ModelRouterQueryModelGroupListResponseBodyData)
    assert (data.page, data.page_size, data.total, got.max_results, got.next_token) == (1, 20, 3, 20, "")
    assert [g.group_id for g in data.list] == list(GROUPS)
    for g in data.list:
        assert isinstance(g, models.ModelGroupDTO)
        want = GROUPS[g.group_id]
        assert (g.name, g.type, g.model_list, g.model_count) == (want["name"], want["type"], want["models"],
                                                                 len(want["models"]))
        one = body(client, "QueryModelGroup", g.group_id).data
        assert isinstance(one, models.ModelGroupDTO) and one.to_map() == g.to_map()
    raw = assert_sdk_answer(get(aicontent_emulator, "QueryModelGroupList"), "QueryModelGroupList")
    assert list(raw) == PAGED and all(list(g) == GROUP for g in raw["data"]["list"])
    assert list(assert_sdk_answer(get(aicontent_emulator, "QueryModelGroup", "mg_vision"),
                                  "QueryModelGroup")["data"]) == GROUP


@pytest.mark.parametrize("query, want", [
    ({"type": "system"}, ["mg_chat"]), ({"type": "manual"}, ["mg_vision", "mg_speech"]),
    ({"type": "ALL"}, ["mg_chat", "mg_vision", "mg_speech"]), ({"keyword": "视觉"}, ["mg_vision"]),
    ({"keyword": "模型", "type": "manual"}, []), ({"pageSize": 2, "pageIndex": 2}, ["mg_speech"]),
    ({"pageSize": 2, "pageIndex": 3}, [])], ids=str)
def test_group_list_filters(aicontent_emulator: Emulator, query: dict[str, Any], want: list[str]) -> None:
    assert [g["groupId"] for g in listed(aicontent_emulator, "QueryModelGroupList", **query)] == want


def test_a_groups_models_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    for group_id, group in GROUPS.items():
        got = body(client, "QueryModelGroupModels", group_id)
        assert isinstance(got.data, models.ModelRouterQueryModelGroupModelsResponseBodyData)
        assert [m.id for m in got.data.list] == group["models"] and got.data.total == len(group["models"])
        for m in got.data.list:
            assert isinstance(m, models.ModelGroupModelDTO)
            one = body(client, "QueryModel", m.id).data
            assert (m.model_code, m.model_type, m.name, m.platform) == (one.model_code, one.model_type, one.name,
                                                                        one.symbol)
            assert (m.model_code, m.model_type, m.version) == (CODES[m.id], WIRE_TYPE[m.id], "1")
    assert list(assert_sdk_answer(get(aicontent_emulator, "QueryModelGroupModels", "mg_chat"),
                                  "QueryModelGroupModels")) == PAGED


@pytest.mark.parametrize("query, want", [
    ({"keyword": "QWEN-"}, [1, 2, 3, 4, 6]), ({"keyword": "deepseek"}, [5]), ({"keyword": "通义千问-M"}, [2]),
    ({"keyword": "nothing"}, []), ({"pageSize": 4}, [1, 2, 3, 4]), ({"pageSize": 4, "pageIndex": 2}, [5, 6])], ids=str)
def test_a_groups_models_filters(aicontent_emulator: Emulator, query: dict[str, Any], want: list[int]) -> None:
    assert [m["id"] for m in listed(aicontent_emulator, "QueryModelGroupModels", "mg_chat", **query)] == want


@pytest.mark.parametrize("group_id", list(GROUPS))
def test_a_groups_departments_and_members(aicontent_emulator: Emulator, group_id: str) -> None:
    client = aicontent_emulator.client("admin")
    previews = {k.id: (k.key_preview, k.name) for k in body(client, "QueryApiKeyList", pageSize=50).data.list}
    clients = body(client, "QueryModelGroupClients", group_id).data
    assert isinstance(clients, models.ModelRouterQueryModelGroupClientsResponseBodyData)
    assert [(c.client_id, [k.id for k in c.api_keys]) for c in clients.list] == BOUND_CLIENTS[group_id]
    assert all(c.client_name == "市场部" and isinstance(c, models.ModelGroupClientDTO) for c in clients.list)
    users = body(client, "QueryModelGroupUsers", group_id).data
    assert isinstance(users, models.ModelRouterQueryModelGroupUsersResponseBodyData)
    assert [(u.user_id, [k.id for k in u.api_keys]) for u in users.list] == BOUND_USERS[group_id]
    names = {u.id: u.name for u in body(client, "QueryUserList").data.list}
    assert all(u.user_name == names[u.user_id] for u in users.list)
    for item in [*clients.list, *users.list]:
        assert all((k.key_preview, k.name) == previews[k.id] for k in item.api_keys)
    for name in ("QueryModelGroupClients", "QueryModelGroupUsers"):
        raw = assert_sdk_answer(get(aicontent_emulator, name, group_id), name)
        assert list(raw) == PAGED and list(raw["data"]) == ["list", "page", "pageSize", "total"]


def test_token_paging(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    for name, path, ids in (("QueryModelGroupList", (), list(GROUPS)),
                            ("QueryModelGroupModels", ("mg_chat",), GROUPS["mg_chat"]["models"])):
        walked, token = [], None
        for _ in range(20):
            raw = ok(get(emu, name, *path, maxResults=2, nextToken=token))
            assert raw["maxResults"] == 2 and raw["data"]["pageSize"] == 2
            walked += [x.get("groupId", x.get("id")) for x in raw["data"]["list"]]
            token = raw["nextToken"]
            if not token:
                break
        assert walked == ids, name
    token = ok(get(emu, "QueryModelGroupModels", "mg_chat", maxResults=2))["nextToken"]
    invalid(get(emu, "QueryModelGroupModels", "mg_vision", maxResults=2, nextToken=token), "nextToken",
            "different query")


CASES = [
    ("QueryModelGroup", ("mg_nope",), {}, "groupId", "no model group has id mg_nope"),
    ("QueryModelGroup", ("g" * 65,), {}, "groupId", "longer than 64"),
    ("QueryModelGroupModels", ("mg_nope",), {}, "groupId", "no model group has id mg_nope"),
    ("QueryModelGroupClients", ("x",), {}, "groupId", "no model group has id x"),
    ("QueryModelGroupUsers", ("1",), {}, "groupId", "no model group has id 1"),
    ("QueryModelGroupList", (), {"type": "custom"}, "type", "must be one of system, manual, all"),
    ("QueryModelGroupList", (), {"pageSize": "101"}, "pageSize", "between 1 and 100"),
    ("QueryModelGroupList", (), {"maxResults": "101"}, "maxResults", "between 1 and 100"),
    ("QueryModelGroupList", (), {"keyword": "k" * 129}, "keyword", "longer than 128"),
    ("QueryModelGroupModels", ("mg_chat",), {"pageIndex": "0"}, "pageIndex", "between 1"),
    ("QueryModelGroupClients", ("mg_chat",), {"pageSize": "101"}, "pageSize", "between 1 and 100"),
    ("QueryModelGroupUsers", ("mg_chat",), {"nextToken": "garbage"}, "nextToken", "malformed"),
]


@pytest.mark.parametrize("name, path, query, param, reason", CASES,
                         ids=[f"{n[15:]}-{param}:{r[:14]}" for n, _, _, param, r in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, name: str, path: tuple[str, ...], query: dict[str, str],
                            param: str, reason: str) -> None:
    invalid(get(aicontent_emulator, name, *path, **query), param, reason)


def test_invalid_through_the_sdk(aicontent_client: Any) -> None:
    err = refused(aicontent_client, "QueryModelGroup", "mg_nope")
    assert (err.code, err.status_code) == ("InvalidParameter", 400) and '"groupId"' in err.message


@pytest.mark.parametrize("name, path", [("QueryModelGroupList", ()), ("QueryModelGroup", ("mg_chat",)),
                                        ("QueryModelGroupModels", ("mg_chat",)),
                                        ("QueryModelGroupClients", ("mg_vision",)),
                                        ("QueryModelGroupUsers", ("mg_vision",))])
def test_ram_account_by_account(aicontent_emulator: Emulator, name: str, path: tuple[str, ...]) -> None:
    check_ram(aicontent_emulator, name, *path)
    assert_error(get(aicontent_emulator, name, *(("mg_nope",) if path else ()), account="denied"), 403, DENIED)


def test_department_scope_and_other_organisations(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    assert [g["groupId"] for g in listed(emu, "QueryModelGroupList", account="dept-scoped")] == list(GROUPS)
    assert listed(emu, "QueryModelGroupClients", "mg_chat", account="dept-scoped") == []  # department 3: not visible
    assert listed(emu, "QueryModelGroupUsers", "mg_vision", account="dept-scoped") == []
    assert listed(emu, "QueryModelGroupList", account="other-org-admin") == []  # organisation 20002 has none
    for name in ("QueryModelGroup", "QueryModelGroupModels", "QueryModelGroupClients", "QueryModelGroupUsers"):
        invalid(get(emu, name, "mg_chat", account="other-org-admin"), "groupId", "no model group has id mg_chat")
