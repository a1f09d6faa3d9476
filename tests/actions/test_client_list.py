"""ModelRouterQueryClientList (GET clients): the visible departments, flat, under the form
client_list (`leaves`, the default: departments without sub-departments; `all`: every visible
one), agreeing with the client tree; keyword, parentId, status and order; paging by pageIndex,
by `page` (as a public dashboard sends it) and by token; its validation rows; RAM account by
account and the department scope."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import (
    DENIED,
    DEPARTMENTS,
    assert_sdk_answer,
    body,
    check_ram,
    get,
    invalid,
    ok,
)
from kit import assert_error

from emulator.server import Emulator

NAME = "QueryClientList"
EVERY_MODEL = ",".join(map(str, range(1, 13)))
ALLOWED = {1: EVERY_MODEL, 2: EVERY_MODEL, 3: ",".join(map(str, range(1, 11))), 4: "1,2,3,7", 11: EVERY_MODEL}
GROUP_CONFIG = {3: '{"model_ids":[7],"group_ids":["mg_chat","mg_vision"]}', 4: '{"model_ids":[1,2,3,7],"group_ids":[]}'}
CLIENT = ["address", "allowedModelGroupConfig", "allowedModels", "clientUuid", "contact", "deleteTag", "discount",
          "gmtCreate", "gmtModified", "id", "level", "main", "name", "nodeType", "parentId", "remark", "userId"]


def ids(emu: Emulator, account: str | None = None, **query: Any) -> list[int]:
    return [d["id"] for d in ok(get(emu, NAME, account=account, **query))["data"]["list"]]


def tree_nodes(nodes: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for n in nodes:
        out[n["id"]] = {k: v for k, v in n.items() if k != "children"}
        out.update(tree_nodes(n["children"]))
    return out


def test_through_the_sdk_the_leaves(aicontent_emulator: Emulator) -> None:
    got = body(aicontent_emulator.client("admin"), NAME)
    data = got.data
    assert isinstance(data, models.ModelRouterQueryClientListResponseBodyData)
    assert (data.max_results, data.next_token, data.page, data.page_size, data.total) == ("20", "", 1, 20, 2)
    assert [d.id for d in data.list] == [3, 4]
    for dep in data.list:
        assert isinstance(dep, models.ClientDTO)
        assert (dep.name, dep.parent_id, dep.user_id) == (DEPARTMENTS[dep.id]["name"], DEPARTMENTS[dep.id]["parentId"],
                                                          10001)
        assert (dep.allowed_models, dep.allowed_model_group_config) == (ALLOWED[dep.id], GROUP_CONFIG[dep.id])
        assert (dep.node_type, dep.discount, dep.delete_tag, dep.main) == ("department", 1.0, 0, 1)
    assert [d.level for d in data.list] == [2, 3]


@pytest.mark.parametrize("account, leaves, every", [
    ("admin", [3, 4], [1, 2, 3, 4]), ("readonly", [3, 4], [1, 2, 3, 4]), ("other-org-admin", [11], [11])])
def test_the_client_list_form(aicontent_emulator: Emulator, account: str, leaves: list[int], every: list[int]) -> None:
    emu = aicontent_emulator
    assert emu.forms.client_list == "leaves" and ids(emu, account) == leaves
    emu.set_forms(client_list="all")
    raw = assert_sdk_answer(get(emu, NAME, account=account), NAME)
    assert [d["id"] for d in raw["data"]["list"]] == every and raw["data"]["total"] == len(every)
    tree = tree_nodes(ok(get(emu, "QueryClientTree", account=account))["data"])
    assert sorted(tree) == every
    for dep in raw["data"]["list"]:  # the same department as the tree shows it
        assert list(dep) == CLIENT
        assert {k: v for k, v in dep.items() if k != "allowedModelGroupConfig"} == tree[dep["id"]]
        assert dep["allowedModelGroupConfig"] == GROUP_CONFIG.get(dep["id"], "")
        has_children = any(d["parentId"] == dep["id"] for d in DEPARTMENTS.values())
        assert (dep["id"] in leaves) == (not has_children)
    emu.reset()
    assert ids(emu, account) == leaves


@pytest.mark.parametrize("form, query, want", [
    ("leaves", {"keyword": "部"}, [3]), ("all", {"keyword": "部"}, [1, 3]), ("all", {"keyword": "数据"}, [4]),
    ("all", {"keyword": "nothing"}, []), ("leaves", {"parentId": 1}, [3]), ("all", {"parentId": 1}, [2, 3]),
    ("all", {"parentId": 2}, [4]), ("all", {"parentId": 4}, []), ("all", {"status": 1}, [1, 2, 3, 4]),
    ("all", {"status": 0}, []), ("leaves", {"status": 2}, []),
    ("all", {"orderBy": "name"}, [3, 1, 4, 2]), ("all", {"orderBy": "name", "orderDirection": "DESC"}, [2, 4, 1, 3]),
    ("all", {"orderDirection": "desc"}, [4, 3, 2, 1]), ("leaves", {"orderBy": "id", "orderDirection": "DESC"}, [4, 3]),
    ("all", {"groupBy": "x", "needTotalCount": "false"}, [1, 2, 3, 4])], ids=str)
def test_filters_and_order(aicontent_emulator: Emulator, form: str, query: dict[str, Any], want: list[int]) -> None:
    aicontent_emulator.set_forms(client_list=form)
    data = ok(get(aicontent_emulator, NAME, **query))["data"]
    assert [d["id"] for d in data["list"]] == want and data["total"] == len(want)


def test_paging_by_page_index_by_page_and_by_token(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    emu.set_forms(client_list="all")
    assert ids(emu, pageSize=3, pageIndex=2) == [4] and ids(emu, pageSize=3, page=2) == [4]  # page as pageIndex
    assert ids(emu, pageSize=2, page=2, pageIndex=1) == [1, 2]  # pageIndex wins
    assert ids(emu, pageSize=2, page=3) == []
    data = ok(get(emu, NAME, pageSize=3, page=2))["data"]
    assert (data["page"], data["pageSize"], data["total"], data["maxResults"]) == (2, 3, 4, "3")
    walked, token = [], None
    for _ in range(10):
        data = ok(get(emu, NAME, maxResults=1, nextToken=token))["data"]  # the token is in data
        walked += [d["id"] for d in data["list"]]
        token = data["nextToken"]
        if not token:
            break
    assert walked == [1, 2, 3, 4]
    sdk = body(emu.client("admin"), NAME, pageSize=1, pageIndex=3).data
    assert [d.id for d in sdk.list] == [3] and sdk.page == 3
    token = ok(get(emu, NAME, maxResults=1))["data"]["nextToken"]
    invalid(get(emu, NAME, maxResults=1, keyword="部", nextToken=token), "nextToken", "different query")


CASES = [
    ({"pageSize": "101"}, "pageSize", "between 1 and 100"), ({"pageSize": "0"}, "pageSize", "between 1 and 100"),
    ({"maxResults": "101"}, "maxResults", "between 1 and 100"), ({"pageIndex": "0"}, "pageIndex", "between 1"),
    ({"page": "x"}, "page", "base-10 integer"), ({"parentId": "x"}, "parentId", "base-10 integer"),
    ({"parentId": "0"}, "parentId", "positive department id"),
    ({"parentId": "99"}, "parentId", "no department has id 99"),
    ({"parentId": "11"}, "parentId", "no department has id 11"),
    ({"orderBy": "gmtCreate"}, "orderBy", 'must be one of id, name, got "gmtCreate"'),
    ({"orderDirection": "up"}, "orderDirection", "must be one of ASC, DESC"),
    ({"needTotalCount": "1"}, "needTotalCount", "must be true or false"),
    ({"status": "x"}, "status", "base-10 integer"), ({"keyword": "k" * 129}, "keyword", "longer than 128"),
    ({"groupBy": "g" * 65}, "groupBy", "longer than 64"), ({"nextToken": "garbage"}, "nextToken", "malformed"),
]


@pytest.mark.parametrize("change, name, reason", CASES, ids=[f"{n}:{r[:16]}" for _, n, r in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, change: dict[str, str], name: str, reason: str) -> None:
    invalid(get(aicontent_emulator, NAME, **change), name, reason)


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    check_ram(aicontent_emulator, NAME)
    assert_error(get(aicontent_emulator, NAME, account="denied", parentId=99), 403, DENIED)


def test_department_scope(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    emu.set_forms(client_list="all")
    assert ids(emu, "dept-scoped") == [2]
    emu.set_forms(client_list="leaves")
    assert set(ids(emu, "dept-scoped")) <= {2}
    invalid(get(emu, NAME, account="dept-scoped", parentId=99), "parentId", "no department has id 99")
    invalid(get(emu, NAME, account="other-org-admin", parentId=2), "parentId", "no department has id 2")


@pytest.mark.parametrize("parent", [1, 3])
def test_a_scoped_caller_naming_another_department_as_parent_is_refused(aicontent_emulator: Emulator,
                                                                       parent: int) -> None:
    """README "Scope": a filter id of another of its organisation's departments is 403."""
    assert_error(get(aicontent_emulator, NAME, account="dept-scoped", parentId=parent), 403, DENIED)
