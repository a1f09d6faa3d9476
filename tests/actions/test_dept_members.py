"""ModelRouterListDeptMembers (GET clients/{id}/members): a department's direct members, through the
SDK and on the wire, agreeing with QueryUserList; keyword, authConfig, model and
includeAuthorization (the fixture's authorizations: department 3 mg_chat + mg_vision + model 7,
member 1005 its own models 1, 3 and mg_vision); includeBalance answers 501; its validation rows;
RAM account by account and the department scope."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import (
    DENIED,
    KEYS,
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

NAME = "ListDeptMembers"
MEMBER = ["allowedModels", "authConfig", "gmtCreate", "id", "keyCount", "loginName", "name", "phone", "roleCode",
          "roleName"]
EVERY_MODEL = ",".join(map(str, range(1, 13)))
ALLOWED = {1001: EVERY_MODEL, 1002: EVERY_MODEL, 1003: EVERY_MODEL, 1004: ",".join(map(str, range(1, 11))),
           1005: "1,3,8,9,10", 1006: "1,2,3,7"}
ROLES = {1001: "dept_admin", 1004: "dept_admin"}  # the fixture's; every other member is a member
ROLE_NAMES = {"dept_admin": "部门管理员", "member": "成员"}


def ids(emu: Emulator, dep: int, account: str | None = None, **query: Any) -> list[int]:
    return [m["id"] for m in ok(get(emu, NAME, dep, account=account, **query))["data"]["list"]]


def test_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    users = {u.id: u for u in body(client, "QueryUserList", pageSize=100).data.list}
    for dep in (2, 3, 4):
        data = body(client, NAME, dep, includeAuthorization=True).data
        assert isinstance(data, models.ModelRouterListDeptMembersResponseBodyData)
        assert [m.id for m in data.list] == sorted(m for m, d in MEMBERS.items() if d == dep)
        assert (data.page, data.page_size, data.total) == (1, 20, len(data.list))
        for m in data.list:
            assert isinstance(m, models.DeptMemberDTO)
            u = users[m.id]
            assert (m.name, m.login_name, m.phone) == (u.name, u.login_name, u.phone) and m.name and m.phone
            role = ROLES.get(m.id, "member")
            assert (m.role_code, m.role_name) == (role, ROLE_NAMES[role])
            assert m.allowed_models == ALLOWED[m.id]
            assert m.key_count == sum(1 for _, member in KEYS.values() if member == m.id)
            assert m.auth_config == ("custom" if m.id == 1005 else "inherit")
            assert m.monthly_balance is None and m.permanent_balance is None
    plain = body(client, NAME, 3).data.list  # without includeAuthorization: neither models nor keys
    assert [(m.allowed_models, m.key_count) for m in plain] == [("", 0), ("", 0)]


@pytest.mark.parametrize("query", [{}, {"includeAuthorization": "true"}, {"pageSize": 1, "pageIndex": 2}], ids=str)
def test_wire_shape_is_the_sdks(aicontent_emulator: Emulator, query: dict[str, Any]) -> None:
    raw = assert_sdk_answer(get(aicontent_emulator, NAME, 2, **query), NAME)
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data"]
    assert list(raw["data"]) == ["list", "page", "pageSize", "total"] and raw["data"]["list"]
    assert all(list(m) == MEMBER for m in raw["data"]["list"])


@pytest.mark.parametrize("dep, query, want", [
    (1, {}, []), (3, {"authConfig": "custom"}, [1005]), (3, {"authConfig": "inherit"}, [1004]),
    (3, {"authConfig": ""}, [1004, 1005]), (2, {"authConfig": "custom"}, []),
    (3, {"model": 7}, [1004]), (3, {"model": 8}, [1004, 1005]), (3, {"model": 11}, []),
    (2, {"model": 11}, [1001, 1002, 1003]),
    (4, {"model": 2}, [1006]), (4, {"model": 5}, []), (3, {"model": 1, "authConfig": "custom"}, [1005]),
    (2, {"pageSize": 2}, [1001, 1002]), (2, {"pageSize": 2, "pageIndex": 2}, [1003]),
    (2, {"pageSize": 2, "pageIndex": 3}, []), (2, {"maxResults": 1}, [1001, 1002, 1003])], ids=str)
def test_filters_and_pages(aicontent_emulator: Emulator, dep: int, query: dict[str, Any], want: list[int]) -> None:
    data = ok(get(aicontent_emulator, NAME, dep, **query))["data"]
    assert [m["id"] for m in data["list"]] == want
    if "pageSize" not in query:
        assert data["total"] == len(want)


def test_keyword_is_part_of_a_name_login_name_or_phone(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    for m in ok(get(emu, NAME, 2))["data"]["list"]:
        for keyword in (m["name"], m["loginName"].upper(), m["phone"][-6:]):
            assert m["id"] in ids(emu, 2, keyword=keyword), keyword
    assert ids(emu, 2, keyword="no such member") == []


def test_balances_are_the_members_wallets(aicontent_emulator: Emulator) -> None:
    """includeBalance: each member's pools as GetMemberBalance has them (1001's wallet is the
    fixture's; the others have none: 0); without it, no balance fields."""
    aicontent_emulator.clock.set("2026-03-10T12:20:00+08:00")
    rows = ok(get(aicontent_emulator, NAME, 2, includeBalance="true"))["data"]["list"]
    assert [r["id"] for r in rows] == [1001, 1002, 1003]
    for r in rows:
        wallet = ok(get(aicontent_emulator, "GetMemberBalance", 2, r["id"]))["data"]
        assert r["permanentBalance"] + r["monthlyBalance"] == wallet["balance"]
        assert wallet["enableBalance"] is (r["id"] == 1001)
    assert rows[0]["permanentBalance"] > 0 and rows[1]["permanentBalance"] == rows[1]["monthlyBalance"] == 0
    plain = ok(get(aicontent_emulator, NAME, 2, includeBalance="false"))["data"]["list"]
    assert all("permanentBalance" not in r and "monthlyBalance" not in r for r in plain)


CASES = [
    (("x",), {}, "id", "base-10 integer"), (("0",), {}, "id", "positive department id"),
    (("1.5",), {}, "id", "base-10 integer"), (("99",), {}, "id", "no department has id 99"),
    (("11",), {}, "id", "no department has id 11"), ((2,), {"authConfig": "mine"}, "authConfig", "must be one of"),
    ((2,), {"model": "99"}, "model", "no model has id 99"), ((2,), {"model": "x"}, "model", "base-10 integer"),
    ((2,), {"includeAuthorization": "yes"}, "includeAuthorization", "must be true or false"),
    ((2,), {"includeBalance": "0"}, "includeBalance", "must be true or false"),
    ((2,), {"pageSize": "101"}, "pageSize", "between 1 and 100"), ((2,), {"pageIndex": "0"}, "pageIndex", "between 1"),
    ((2,), {"keyword": "k" * 129}, "keyword", "longer than 128"),
]


@pytest.mark.parametrize("path, query, name, reason", CASES, ids=[f"{p[0]}-{n}:{r[:14]}" for p, _, n, r in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, path: tuple[Any, ...], query: dict[str, str], name: str,
                            reason: str) -> None:
    invalid(get(aicontent_emulator, NAME, *path, **query), name, reason)


def test_invalid_through_the_sdk(aicontent_client: Any) -> None:
    err = refused(aicontent_client, NAME, "abc")
    assert (err.code, err.status_code) == ("InvalidParameter", 400) and '"id"' in err.message
    err = refused(aicontent_client, NAME, 99)
    assert err.code == "InvalidParameter" and "no department has id 99" in err.message


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    check_ram(aicontent_emulator, NAME, 2)
    assert_error(get(aicontent_emulator, NAME, 99, account="denied"), 403, DENIED)  # RAM before existence


def test_department_scope(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    assert ids(emu, 2, "dept-scoped") == [1001, 1002, 1003]
    for dep in (1, 3, 4):
        assert_error(get(emu, NAME, dep, account="dept-scoped"), 403, DENIED, f"department {dep} is outside")
    invalid(get(emu, NAME, 99, account="dept-scoped"), "id", "no department has id 99")
    assert ids(emu, 11, "other-org-admin") == [2001]
    invalid(get(emu, NAME, 2, account="other-org-admin"), "id", "no department has id 2")
