"""The departments' writes through the SDK: ModelRouterCreateClient, UpdateClient, DeleteClient and
BatchBindModelGroup: their answers (ClientDTO at the data clock's now), the reads that follow
(QueryClientTree, QueryClientList in both forms, SearchClientTree, QueryModelGroupsByApiKey,
QueryModelGroupClients), and the refusals that keep the directory as it was."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import body, get, ok
from writes_helpers import NOW, NOW_UTC, made, refuse, utc, write

from emulator.server import Emulator

AUTH = json.dumps({"model_ids": [7], "group_ids": ["mg_speech"]})


def tree_ids(nodes: list[dict[str, Any]]) -> dict[int, list[int]]:
    """Each department of the tree with its children's ids."""
    out: dict[int, list[int]] = {}
    for n in nodes:
        out[n["id"]] = [c["id"] for c in n["children"]]
        out.update(tree_ids(n["children"]))
    return out


def listed(emu: Emulator, form: str = "leaves", **query: Any) -> list[int]:
    emu.set_forms(client_list=form)
    return [c["id"] for c in ok(get(emu, "QueryClientList", pageSize=100, **query))["data"]["list"]]


def test_create_client(emu: Emulator) -> None:
    client = emu.client("admin")
    data = write(client, "CreateClient", name="新部门", parentId=2, address="杭州", contact="0571", remark="r",
                 discount=0.8, allowedModelGroupConfig=AUTH).data
    assert isinstance(data, models.ClientDTO)
    got = data.to_map()
    assert (got["id"], got["parentId"], got["level"], got["main"], got["name"], got["userId"]) == (12, 2, 3, 1,
                                                                                                   "新部门", 10001)
    assert (got["address"], got["contact"], got["remark"], got["discount"]) == ("杭州", "0571", "r", 0.8)
    assert (got["gmtCreate"], got["gmtModified"], got["deleteTag"], got["nodeType"]) == (NOW_UTC, NOW_UTC, 0,
                                                                                         "department")
    assert got["allowedModelGroupConfig"] == '{"model_ids":[7],"group_ids":["mg_speech"]}'
    assert got["allowedModels"] == "7,11,12" and got["clientUuid"].startswith("st-")
    tree = ok(get(emu, "QueryClientTree"))["data"]
    assert tree_ids(tree)[2] == [4, 12] and tree_ids(tree)[12] == []
    assert listed(emu) == [3, 4, 12] and listed(emu, "all") == [1, 2, 3, 4, 12]
    emu.set_forms(client_list="all")
    assert ok(get(emu, "QueryClientList", pageSize=100))["data"]["list"][-1] == got
    assert ok(get(emu, "SearchClientTree", keyword="新部门"))["data"]["matchedDeptIds"] == [12]
    top = made(client, "CreateClient", name="顶层")
    assert (top["id"], top["parentId"], top["level"], top["main"], top["discount"]) == (13, 0, 1, 0, 1.0)
    assert top["allowedModels"] == ",".join(map(str, range(1, 13)))  # no authorization: every model


def test_a_created_department_takes_keys_and_groups(emu: Emulator) -> None:
    client = emu.client("admin")
    dep = made(client, "CreateClient", name="新部门", allowedModelGroupConfig=AUTH)["id"]
    key = made(client, "CreateApiKey", clientId=dep)["id"]
    groups = ok(get(emu, "QueryModelGroupsByApiKey", key))["data"]
    assert (groups["bindType"], groups["clientId"], [g["groupId"] for g in groups["groups"]],
            groups["standaloneModelList"]) == ("department", dep, ["mg_speech"], [7])
    bound = ok(get(emu, "QueryModelGroupClients", "mg_speech"))["data"]["list"]
    assert [c["clientId"] for c in bound] == [dep] and [k["id"] for k in bound[0]["apiKeys"]] == [key]


def test_update_client(emu: Emulator) -> None:
    client = emu.client("admin")
    emu.clock.advance(90)
    got = made(client, "UpdateClient", 3, name="市场营销部", remark="改", discount=0.8)
    assert (got["name"], got["remark"], got["discount"], got["gmtCreate"], got["gmtModified"]) == (
        "市场营销部", "改", 0.8, "2024-01-01T00:00:00Z", utc(NOW + 90))
    assert got["allowedModelGroupConfig"] == '{"model_ids":[7],"group_ids":["mg_chat","mg_vision"]}'  # kept
    emu.set_forms(client_list="all")
    assert ok(get(emu, "QueryClientList", pageSize=100))["data"]["list"][2] == got
    assert tree_ids(ok(get(emu, "QueryClientTree"))["data"])[1] == [2, 3]
    assert ok(get(emu, "SearchClientTree", keyword="营销"))["data"]["matchedDeptIds"] == [3]
    assert ok(get(emu, "SearchClientTree", keyword="市场部"))["data"]["matchedDeptIds"] == []
    rows = ok(get(emu, "QueryBillingCostBreakdown", startTime=NOW - 7200, endTime=NOW - 3600, granularity="hourly",
                  clientId=3, modelId=1))["data"]["rows"]
    assert {r["clientName"] for r in rows} == {"市场营销部"}  # the names a report joins on follow
    again = made(client, "UpdateClient", 3, allowedModels="1,2")
    assert (again["allowedModelGroupConfig"], again["allowedModels"]) == ('{"model_ids":[1,2],"group_ids":[]}', "1,2")


def test_delete_client(emu: Emulator) -> None:
    client = emu.client("admin")
    dep = made(client, "CreateClient", name="临时", parentId=3)["id"]
    assert write(client, "DeleteClient", dep).data is True
    emu.set_forms(client_list="all")
    assert dep not in listed(emu, "all") and dep not in tree_ids(ok(get(emu, "QueryClientTree"))["data"])
    assert ok(get(emu, "SearchClientTree", keyword="临时"))["data"]["matchedDeptIds"] == []
    refuse(emu, client, "DeleteClient", dep, field="id", says=f"no department has id {dep} in your organization")
    refuse(emu, client, "CreateApiKey", field="clientId", says=f"no department has id {dep}", clientId=dep)
    refuse(emu, client, "CreateClient", field="parentId", says=f"no department has id {dep}", name="子", parentId=dep)
    assert made(client, "CreateClient", name="下一个")["id"] == dep + 1  # ids are not given again


@pytest.mark.parametrize("dep, says", [
    (1, "still has sub-departments"), (2, "still has sub-departments"), (3, "still has members"),
    (4, "still has members"), (11, "no department has id 11 in your organization"),
    (999, "no department has id 999 in your organization")])
def test_delete_client_refused(emu: Emulator, dep: int, says: str) -> None:
    refuse(emu, emu.client("admin"), "DeleteClient", dep, field="id", says=says)


def test_a_department_with_a_key_or_a_member_stays(emu: Emulator) -> None:
    client = emu.client("admin")
    dep = made(client, "CreateClient", name="有钥匙", parentId=1)["id"]
    key = made(client, "CreateApiKey", clientId=dep)["id"]
    refuse(emu, client, "DeleteClient", dep, field="id", says="still has API keys")
    write(client, "DeleteApiKey", key)
    user = made(client, "CreateUser", loginName="in-dep", name="成员甲", phone="1",
                departmentRoles=[{"clientId": dep}])["userId"]
    refuse(emu, client, "DeleteClient", dep, field="id", says="still has members")
    write(client, "DeleteUser", user)
    sub = made(client, "CreateClient", name="子部门", parentId=dep)["id"]
    refuse(emu, client, "DeleteClient", dep, field="id", says="still has sub-departments")
    write(client, "DeleteClient", sub)
    assert write(client, "DeleteClient", dep).data is True


def test_batch_bind_model_group(emu: Emulator) -> None:
    client = emu.client("admin")
    assert write(client, "BatchBindModelGroup", allowedModelGroupConfig=AUTH, clientIdList=[2, 4]).data is True
    tree = {n["id"]: n for n in flat(ok(get(emu, "QueryClientTree"))["data"])}
    for dep in (2, 4):
        assert tree[dep]["allowedModels"] == "7,11,12" and tree[dep]["gmtModified"] == NOW_UTC
    assert tree[3]["allowedModels"] == "1,2,3,4,5,6,7,8,9,10" and tree[3]["gmtModified"] == "2024-01-01T00:00:00Z"
    sdk = {c.id: c for c in body(client, "QueryClientList", pageSize=100).data.list}
    assert sdk[4].allowed_model_group_config == '{"model_ids":[7],"group_ids":["mg_speech"]}'
    groups = ok(get(emu, "QueryModelGroupsByApiKey", 5104))["data"]
    assert (groups["bindType"], [g["groupId"] for g in groups["groups"]]) == ("department", ["mg_speech"])
    assert [c["clientId"] for c in ok(get(emu, "QueryModelGroupClients", "mg_speech"))["data"]["list"]] == [2, 4]
    assert ok(get(emu, "ListDeptMembers", 2, includeAuthorization="true"))["data"]["list"][1]["allowedModels"] == \
        "7,11,12"  # members without their own follow the department's


def flat(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [x for n in nodes for x in (n, *flat(n["children"]))]


@pytest.mark.parametrize("fields, code, field, says", [
    ({"clientIdList": [2, 999]}, "InvalidParameter", "clientIdList", "no department has id 999"),
    ({"clientIdList": [2, 11]}, "InvalidParameter", "clientIdList", "no department has id 11"),
    ({"clientIdList": []}, "InvalidParameter", "clientIdList", "at least 1 item"),
    ({"clientIdList": list(range(1, 52))}, "InvalidParameter", "clientIdList", "at most 50 items"),
    ({"clientIdList": [2, 2]}, "InvalidParameter", "clientIdList", "more than once"),
    ({"clientIdList": ["2"]}, "InvalidParameter", "clientIdList.0", "valid integer"),
    ({"clientIdList": [2], "allowedModelGroupConfig": '{"model_ids":[99]}'}, "InvalidParameter",
     "allowedModelGroupConfig", "no model has id 99"),
    ({"clientIdList": [2], "allowedModelGroupConfig": '{"group_ids":["mg_nope"]}'}, "InvalidParameter",
     "allowedModelGroupConfig", "no model group has id mg_nope"),
    ({"clientIdList": [2], "allowedModelGroupConfig": "[1]"}, "InvalidParameter", "allowedModelGroupConfig",
     "an object"),
    ({"clientIdList": [2], "allowedModelGroupConfig": None}, "MissingParameter", "allowedModelGroupConfig", ""),
], ids=["unknown", "foreign", "none", "51", "twice", "string-id", "unknown-model", "unknown-group", "not-object",
        "no-config"])
def test_batch_bind_refused(emu: Emulator, fields: dict[str, Any], code: str, field: str, says: str) -> None:
    fields = {"allowedModelGroupConfig": AUTH, **fields}
    refuse(emu, emu.client("admin"), "BatchBindModelGroup", code=code, field=field, says=says,
           **{k: v for k, v in fields.items() if v is not None})


@pytest.mark.parametrize("name, path, fields, field, says", [
    ("CreateClient", (), {"name": ""}, "name", "at least 1"),
    ("CreateClient", (), {"name": "x" * 65}, "name", "at most 64"),
    ("CreateClient", (), {"name": "x", "parentId": 11}, "parentId", "no department has id 11 in your organization"),
    ("CreateClient", (), {"name": "x", "discount": 0}, "discount", "greater than 0"),
    ("CreateClient", (), {"name": "x", "discount": 1.5}, "discount", "less than or equal to 1"),
    ("CreateClient", (), {"name": "x", "allowedModels": "1,x"}, "allowedModels", "model ids separated by commas"),
    ("UpdateClient", (999,), {"name": "x"}, "id", "no department has id 999"),
    ("UpdateClient", (2,), {"status": 3}, "status", "less than or equal to 1"),
    ("UpdateClient", (2,), {"allowedModels": "99"}, "allowedModelGroupConfig", "no model has id 99"),
], ids=lambda x: x if isinstance(x, str) and len(x) < 40 else None)
def test_create_and_update_refused(emu: Emulator, name: str, path: tuple[int, ...], fields: dict[str, Any],
                                   field: str, says: str) -> None:
    refuse(emu, emu.client("admin"), name, *path, field=field, says=says, **fields)


def test_create_client_without_a_name_is_missing(emu: Emulator) -> None:
    refuse(emu, emu.client("admin"), "CreateClient", code="MissingParameter", field="name", remark="x")


def test_the_tree_answers_whatever_nesting_create_client_accepts() -> None:
    with Emulator(now="2026-03-10T12:20:00+08:00") as emu, httpx.Client(base_url=emu.url, timeout=30) as http:
        parent, level = 4, 3
        while level < 600:
            r = http.post("/api/v1/modelRouter/open/clients", json={"name": f"层{level}", "parentId": parent})
            if r.status_code != 200:
                break  # refused: the nesting has a bound
            parent, level = r.json()["data"]["id"], level + 1
        tree = http.get("/api/v1/modelRouter/open/clients/tree", headers={"accept": "application/json"})
        assert tree.status_code == 200, (level, tree.text[:200])
