"""ModelRouterQueryUserList (GET users) and ModelRouterGetUserRoles (GET users/{id}/roles): the
members of the visible departments with their department and role, through the SDK and on the
wire; keyword (name, login name) and phone (exact); legacy paging; login names and phones the
same for the same seed and different for another; the validation rows; RAM account by account
and the department scope."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import (
    DENIED,
    DEPARTMENTS,
    MEMBERS,
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

ROLES = {1001: ("dept_admin", "部门管理员"), 1004: ("dept_admin", "部门管理员")}  # the others: ("member", "成员")


def users(emu: Emulator, account: str | None = None, **query: Any) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = ok(get(emu, "QueryUserList", account=account, **query))["data"]["list"]
    return listed


def test_user_list_through_the_sdk(aicontent_emulator: Emulator) -> None:
    data = body(aicontent_emulator.client("admin"), "QueryUserList").data
    assert isinstance(data, models.ModelRouterQueryUserListResponseBodyData)
    assert [u.id for u in data.list] == [1001, 1002, 1003, 1004, 1005, 1006]
    assert (data.page, data.page_size, data.total) == (1, 20, 6)
    for u in data.list:
        assert isinstance(u, models.UserListItemDTO) and u.name and u.login_name and u.phone.isdigit()
        dep = MEMBERS[u.id]
        assert [(d.client_id, d.client_name) for d in u.departments] == [(dep, DEPARTMENTS[dep]["name"])]
        assert all(isinstance(d, models.UserDepartmentDTO) for d in u.departments)
        assert (u.departments[0].role_code, u.departments[0].role_name) == ROLES.get(u.id, ("member", "成员"))
    assert len({u.login_name for u in data.list}) == len({u.phone for u in data.list}) == 6


def test_user_list_wire_shape(aicontent_emulator: Emulator) -> None:
    raw = assert_sdk_answer(get(aicontent_emulator, "QueryUserList", pageSize=4), "QueryUserList")
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data"]
    assert list(raw["data"]) == ["list", "page", "pageSize", "total"] and raw["data"]["total"] == 6
    assert all(list(u) == ["departments", "gmtCreate", "id", "loginName", "name", "phone"] for u in raw["data"]["list"])


def test_keyword_phone_and_pages(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    every = {u["id"]: u for u in users(emu)}
    u = every[1004]
    for keyword in (u["name"], u["loginName"], u["loginName"][:4].upper()):
        assert 1004 in [x["id"] for x in users(emu, keyword=keyword)], keyword
    assert users(emu, keyword=u["phone"]) == []  # the keyword is not matched against phones
    assert [x["id"] for x in users(emu, phone=u["phone"])] == [1004]
    assert users(emu, phone=u["phone"][:-1]) == [] and users(emu, phone=u["phone"] + "0") == []
    assert [x["id"] for x in users(emu, phone=u["phone"], keyword=u["loginName"])] == [1004]
    assert users(emu, phone=u["phone"], keyword=every[1001]["loginName"]) == []  # both must match
    assert [x["id"] for x in users(emu, pageSize=4, pageIndex=2)] == [1005, 1006]
    assert users(emu, pageSize=4, pageIndex=3) == []
    assert [x["id"] for x in users(emu, maxResults=1)] == list(every)  # no token paging here: ignored


def test_names_come_from_the_seed(aicontent_emulator: Emulator) -> None:
    mine = users(aicontent_emulator)
    with Emulator(seed=0) as same, Emulator(seed=7) as other:
        if aicontent_emulator.settings.seed == 0:
            assert users(same) == mine
        theirs = users(other)
    assert [u["id"] for u in theirs] == [u["id"] for u in mine]
    if aicontent_emulator.settings.seed != 7:
        assert [u["loginName"] for u in theirs] != [u["loginName"] for u in mine]
        assert [u["phone"] for u in theirs] != [u["phone"] for u in mine]


def test_user_roles_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    listed = {u.id: u for u in body(client, "QueryUserList").data.list}
    for member, u in listed.items():
        data = body(client, "GetUserRoles", member).data
        assert isinstance(data, models.ModelRouterGetUserRolesResponseBodyData)
        assert [d.to_map() for d in data.department_roles] == [d.to_map() for d in u.departments]
    raw = assert_sdk_answer(get(aicontent_emulator, "GetUserRoles", 1001), "GetUserRoles")
    assert raw["data"] == {"departmentRoles": [{"clientId": 2, "clientName": "研发中心", "roleCode": "dept_admin",
                                                "roleName": "部门管理员"}]}


CASES = [
    ("QueryUserList", (), {"pageSize": "101"}, "pageSize", "between 1 and 100"),
    ("QueryUserList", (), {"pageSize": "0"}, "pageSize", "between 1 and 100"),
    ("QueryUserList", (), {"pageIndex": "x"}, "pageIndex", "base-10 integer"),
    ("QueryUserList", (), {"keyword": "k" * 129}, "keyword", "longer than 128"),
    ("QueryUserList", (), {"phone": "1" * 33}, "phone", "longer than 32"),
    ("GetUserRoles", ("x",), {}, "id", "base-10 integer"), ("GetUserRoles", ("-1",), {}, "id", "positive member id"),
    ("GetUserRoles", ("0",), {}, "id", "positive member id"),
    ("GetUserRoles", ("99",), {}, "id", "no member has id 99"),
    ("GetUserRoles", ("2001",), {}, "id", "no member has id 2001"),
]


@pytest.mark.parametrize("name, path, query, param, reason", CASES,
                         ids=[f"{n}-{p}:{r[:14]}" for n, _, _, p, r in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, name: str, path: tuple[str, ...], query: dict[str, str],
                            param: str, reason: str) -> None:
    invalid(get(aicontent_emulator, name, *path, **query), param, reason)


def test_invalid_through_the_sdk(aicontent_client: Any) -> None:
    err = refused(aicontent_client, "GetUserRoles", "one")
    assert (err.code, err.status_code) == ("InvalidParameter", 400) and '"id"' in err.message
    err = refused(aicontent_client, "QueryUserList", pageSize=101)
    assert err.code == "InvalidParameter" and '"pageSize"' in err.message


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    check_ram(aicontent_emulator, "QueryUserList")
    check_ram(aicontent_emulator, "GetUserRoles", 1001)
    assert_error(get(aicontent_emulator, "GetUserRoles", 99, account="denied"), 403, DENIED)


def test_department_scope(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    assert [u["id"] for u in users(emu, "dept-scoped")] == [1001, 1002, 1003]
    assert [u["id"] for u in users(emu, "other-org-admin")] == [2001]
    assert ok(get(emu, "GetUserRoles", 1002, account="dept-scoped"))["data"]["departmentRoles"][0]["clientId"] == 2
    for member in (1004, 1006):
        assert_error(get(emu, "GetUserRoles", member, account="dept-scoped"), 403, DENIED, "outside the scope")
    invalid(get(emu, "GetUserRoles", 424242, account="dept-scoped"), "id", "no member has id 424242")
    invalid(get(emu, "GetUserRoles", 1001, account="other-org-admin"), "id", "no member has id 1001")
    assert ok(get(emu, "GetUserRoles", 2001, account="other-org-admin"))["data"]["departmentRoles"][0][
        "clientName"] == "运营部"
