"""The members' writes through the SDK: ModelRouterCreateUser, UpdateUser, DeleteUser, SetUserRoles,
SetMemberAuthorization, ResetMemberAuthorization, BatchSetMemberAuthorization (all or nothing) and
BatchResetMemberAuthorization (each member or its reason): their answers, the reads that follow
(QueryUserList, ListDeptMembers, GetUserRoles, SearchClientTree, QueryModelGroupUsers,
QueryModelGroupsByApiKey) and the refusals that keep the directory as it was."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import body, get, ok
from kit import assert_error, raw
from writes_helpers import NOW_UTC, made, refuse, write

from emulator.server import Emulator

AUTH = json.dumps({"model_ids": [7], "group_ids": ["mg_speech"]})
NEW = {"loginName": "new-user", "name": "新用户", "phone": "13800000000"}


def members(emu: Emulator, dep: int) -> dict[int, dict[str, Any]]:
    return {m["id"]: m for m in ok(get(emu, "ListDeptMembers", dep, includeAuthorization="true",
                                       pageSize=100))["data"]["list"]}


def users(emu: Emulator, **query: Any) -> dict[int, dict[str, Any]]:
    return {u["id"]: u for u in ok(get(emu, "QueryUserList", pageSize=100, **query))["data"]["list"]}


def roles(emu: Emulator, member: int) -> list[tuple[int, str]]:
    return [(r["clientId"], r["roleCode"]) for r in ok(get(emu, "GetUserRoles", member))["data"]["departmentRoles"]]


def test_create_user(emu: Emulator) -> None:
    client = emu.client("admin")
    data = write(client, "CreateUser", **NEW, departmentRoles=[{"clientId": 3, "roleCode": "dept_admin"},
                                                               {"clientId": 2}]).data
    assert isinstance(data, models.ModelRouterCreateUserResponseBodyData) and data.user_id == 2002  # 2001 + 1
    user = users(emu)[2002]
    assert (user["loginName"], user["name"], user["phone"], user["gmtCreate"]) == (
        "new-user", "新用户", "13800000000", NOW_UTC)
    assert [(d["clientId"], d["roleCode"], d["roleName"]) for d in user["departments"]] == [
        (3, "dept_admin", "部门管理员"), (2, "member", "成员")]
    assert roles(emu, 2002) == [(3, "dept_admin"), (2, "member")]
    for dep, role in ((3, "dept_admin"), (2, "member")):
        shown = members(emu, dep)[2002]
        assert (shown["roleCode"], shown["authConfig"], shown["keyCount"], shown["gmtCreate"]) == (
            role, "inherit", 0, NOW_UTC)
    assert ok(get(emu, "SearchClientTree", keyword="新用户"))["data"]["matchedDeptIds"] == [2, 3]
    assert ok(get(emu, "SearchClientTree", keyword="13800000000"))["data"]["matchedDeptIds"] == [2, 3]
    assert list(users(emu, phone="13800000000")) == [2002]
    sdk = body(client, "GetUserRoles", 2002).data
    assert [r.client_name for r in sdk.department_roles] == ["市场部", "研发中心"]
    assert made(client, "CreateUser", loginName="second", name="第二", phone="1")["userId"] == 2003


def test_create_user_without_roles_joins_the_default_department(emu: Emulator) -> None:
    assert roles(emu, made(emu.client("admin"), "CreateUser", **NEW)["userId"]) == [(1, "member")]
    scoped = made(emu.client("dept-scoped"), "CreateUser", loginName="scoped", name="组员", phone="2")["userId"]
    assert roles(emu, scoped) == [(2, "member")]


def test_the_name_is_2_to_20_characters(emu: Emulator) -> None:
    client = emu.client("admin")
    for name in ("新", "x" * 21):
        refuse(emu, client, "CreateUser", field="name", **{**NEW, "name": name})
    for i, name in enumerate(("新人", "x" * 20)):
        write(client, "CreateUser", **{**NEW, "loginName": f"n{i}", "name": name})
    refuse(emu, client, "UpdateUser", 1001, field="name", name="x")


@pytest.mark.parametrize("fields, code, field, says", [
    ({"loginName": None}, "MissingParameter", "loginName", ""),
    ({"phone": None}, "MissingParameter", "phone", ""),
    ({"name": None}, "MissingParameter", "name", ""),
    ({"departmentRoles": [{"clientId": 11}]}, "InvalidParameter", "departmentRoles.0.clientId",
     "no department has id 11 in your organization"),
    ({"departmentRoles": [{"clientId": 2}, {"clientId": 2}]}, "InvalidParameter", "departmentRoles.1.clientId",
     "names department 2 twice"),
    ({"departmentRoles": [{"roleCode": "member"}]}, "MissingParameter", "departmentRoles.0.clientId", ""),
    ({"departmentRoles": [{"clientId": 2, "roleCode": "boss"}]}, "InvalidParameter", "departmentRoles.0.roleCode",
     "member|dept_admin"),
    ({"departmentRoles": [{"clientId": "2"}]}, "InvalidParameter", "departmentRoles.0.clientId", "valid integer"),
], ids=["no-login", "no-phone", "no-name", "foreign-dep", "dep-twice", "no-client", "role", "string-id"])
def test_create_user_refused(emu: Emulator, fields: dict[str, Any], code: str, field: str, says: str) -> None:
    sent = {k: v for k, v in {**NEW, **fields}.items() if v is not None}
    refuse(emu, emu.client("admin"), "CreateUser", code=code, field=field, says=says, **sent)


def test_a_login_name_is_taken_case_insensitively(emu: Emulator) -> None:
    client = emu.client("admin")
    login = users(emu)[1002]["loginName"]
    refuse(emu, client, "CreateUser", field="loginName", says="is the login name of member 1002 already",
           **{**NEW, "loginName": login.upper()})
    user = made(client, "CreateUser", **NEW)["userId"]
    refuse(emu, client, "CreateUser", field="loginName", says=f"member {user}", **{**NEW, "loginName": "NEW-USER"})
    write(client, "DeleteUser", user)
    assert made(client, "CreateUser", **NEW)["userId"] == user + 1  # a deleted member's login is free again


def test_update_user(emu: Emulator) -> None:
    client = emu.client("admin")
    assert write(client, "UpdateUser", 1002, name="刘凤", phone="13900000000").data is True
    user = users(emu)[1002]
    assert (user["name"], user["phone"]) == ("刘凤", "13900000000")
    assert (members(emu, 2)[1002]["name"], members(emu, 2)[1002]["phone"]) == ("刘凤", "13900000000")
    rows = ok(get(emu, "QueryBillingCostBreakdown", startTime=1773100800, endTime=1773104400, granularity="hourly",
                  clientId=2, apiKeyId=5102, modelId=1))["data"]["rows"]
    assert [r["memberUserName"] for r in rows] == ["刘凤"]
    refuse(emu, client, "UpdateUser", 2001, field="id", says="no member has id 2001 in your organization", phone="1")
    refuse(emu, client, "UpdateUser", 999, field="id", says="no member has id 999", phone="1")


def test_delete_user(emu: Emulator) -> None:
    client = emu.client("admin")
    user = made(client, "CreateUser", **NEW, departmentRoles=[{"clientId": 3}])["userId"]
    assert write(client, "DeleteUser", user).data is True
    assert user not in users(emu) and user not in members(emu, 3)
    refuse(emu, client, "GetUserRoles", user, field="id", says=f"no member has id {user}")
    refuse(emu, client, "DeleteUser", user, field="id", says=f"no member has id {user}")
    refuse(emu, client, "DeleteUser", 1002, field="id", says="member 1002 still has API keys")
    write(client, "DeleteApiKey", 5102)
    assert write(client, "DeleteUser", 1002).data is True and 1002 not in members(emu, 2)


def test_set_user_roles(emu: Emulator) -> None:
    client = emu.client("admin")
    assert write(client, "SetUserRoles", 1002, departmentRoles=[
        {"clientId": 2, "roleCode": "dept_admin"}, {"clientId": 4}]).data is True
    assert roles(emu, 1002) == [(2, "dept_admin"), (4, "member")]
    assert members(emu, 2)[1002]["roleCode"] == "dept_admin" and 1002 in members(emu, 4)
    refuse(emu, client, "SetUserRoles", 1002, field="departmentRoles", says="has API key 5102 in department 2",
           departmentRoles=[{"clientId": 4}])
    refuse(emu, client, "SetUserRoles", 1002, field="departmentRoles", says="at least 1", departmentRoles=[])
    assert_error(raw(emu, "SetUserRoles", 1002, body={}), 400, "MissingParameter", "departmentRoles")  # the SDK
    # sends [] when none is given; without the field at all it is missing
    write(client, "DeleteApiKey", 5102)
    write(client, "SetUserRoles", 1002, departmentRoles=[{"clientId": 4}])
    assert roles(emu, 1002) == [(4, "member")] and 1002 not in members(emu, 2)
    key = made(client, "CreateMemberApiKey", 4, 1002)["apiKeyId"]
    assert ok(get(emu, "QueryApiKey", key))["data"]["clientId"] == 4


def test_set_and_reset_member_authorization(emu: Emulator) -> None:
    client = emu.client("admin")
    assert write(client, "SetMemberAuthorization", 2, 1002, allowedModelGroupConfig=AUTH).data is True
    shown = members(emu, 2)[1002]
    assert (shown["authConfig"], shown["allowedModels"]) == ("custom", "7,11,12")
    assert [u["userId"] for u in ok(get(emu, "QueryModelGroupUsers", "mg_speech"))["data"]["list"]] == [1002]
    groups = ok(get(emu, "QueryModelGroupsByApiKey", 5102))["data"]
    assert (groups["bindType"], [g["groupId"] for g in groups["groups"]], groups["standaloneModelList"]) == (
        "member", ["mg_speech"], [7])
    write(client, "SetMemberAuthorization", 2, 1003, allowedModels="1,3")  # the legacy form
    assert members(emu, 2)[1003]["allowedModels"] == "1,3"
    assert write(client, "ResetMemberAuthorization", 2, 1002).data is True
    assert members(emu, 2)[1002]["authConfig"] == "inherit"
    assert ok(get(emu, "QueryModelGroupsByApiKey", 5102))["data"]["bindType"] == "all"
    refuse(emu, client, "SetMemberAuthorization", 3, 1002, field="id", says="not a member of department 3",
           allowedModelGroupConfig=AUTH)
    refuse(emu, client, "SetMemberAuthorization", 2, 1002, code="MissingParameter", field="allowedModelGroupConfig")
    refuse(emu, client, "ResetMemberAuthorization", 2, 1004, field="id", says="not a member of department 2")


def test_batch_set_member_authorization_is_all_or_nothing(emu: Emulator) -> None:
    client = emu.client("admin")
    before = members(emu, 2)
    for ids, field, says in (([1002, 1004], "userIdList", "member 1004 is not a member of department 2"),
                             ([1002, 424242], "userIdList", "no member has id 424242"),
                             ([1002, 2001], "userIdList", "no member has id 2001"),
                             ([1002, 1002], "userIdList", "more than once"),
                             ([], "userIdList", "at least 1"), (list(range(1, 52)), "userIdList", "at most 50")):
        refuse(emu, client, "BatchSetMemberAuthorization", 2, field=field, says=says, userIdList=ids,
               allowedModelGroupConfig=AUTH)
        assert members(emu, 2) == before  # no member changed
    refuse(emu, client, "BatchSetMemberAuthorization", 2, code="MissingParameter", field="allowedModelGroupConfig",
           userIdList=[1002])
    assert write(client, "BatchSetMemberAuthorization", 2, userIdList=[1002, 1003], allowedModelGroupConfig=AUTH
                 ).data is True
    after = members(emu, 2)
    assert [after[m]["authConfig"] for m in (1001, 1002, 1003)] == ["inherit", "custom", "custom"]
    assert [u["userId"] for u in ok(get(emu, "QueryModelGroupUsers", "mg_speech"))["data"]["list"]] == [1002, 1003]


def test_batch_reset_member_authorization_answers_each_member(emu: Emulator) -> None:
    client = emu.client("admin")
    data = made(client, "BatchResetMemberAuthorization", 3, userIds=[1005, 1001, 424242])
    assert data == {"failed": [{"reason": "member 1001 is not a member of department 3", "userId": 1001},
                               {"reason": "no member has id 424242 in your organization", "userId": 424242}],
                    "succeeded": [1005]}
    assert members(emu, 3)[1005]["authConfig"] == "inherit"
    assert ok(get(emu, "QueryModelGroupsByApiKey", 5202))["data"]["bindType"] == "department"
    refuse(emu, client, "BatchResetMemberAuthorization", 999, field="id", says="no department has id 999",
           userIds=[1005])
    refuse(emu, client, "BatchResetMemberAuthorization", 3, code="MissingParameter", field="userIds")
