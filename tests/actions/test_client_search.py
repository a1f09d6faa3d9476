"""ModelRouterSearchClientTree (GET clients/tree/search): the visible departments whose name, or one
of whose direct members' name, login name or phone, holds the keyword (case-insensitive), through
the SDK and on the wire; its validation rows; RAM account by account and the department scope."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import DENIED, MEMBERS, assert_sdk_answer, body, check_ram, get, invalid, ok
from kit import assert_error

from emulator.server import Emulator

NAME = "SearchClientTree"


def matched(emu: Emulator, account: str | None = None, **query: Any) -> list[int]:
    ids: list[int] = ok(get(emu, NAME, account=account, **query))["data"]["matchedDeptIds"]
    return ids


@pytest.fixture
def users(aicontent_emulator: Emulator) -> dict[int, dict[str, Any]]:
    return {u["id"]: u for u in ok(get(aicontent_emulator, "QueryUserList", pageSize=100))["data"]["list"]}


def test_through_the_sdk(aicontent_emulator: Emulator) -> None:
    got = body(aicontent_emulator.client("admin"), NAME, keyword="研发")
    assert isinstance(got.data, models.ModelRouterSearchClientTreeResponseBodyData)
    assert got.data.matched_dept_ids == [2]
    raw = assert_sdk_answer(get(aicontent_emulator, NAME, keyword="部"), NAME)
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data"]
    assert raw["data"] == {"matchedDeptIds": [1, 3]}  # 总部, 市场部


@pytest.mark.parametrize("keyword, want", [
    (None, [1, 2, 3, 4]), ("", [1, 2, 3, 4]), ("中心", [2]), ("数据智能", [4]), ("总部", [1]),
    ("no such name", []), ("%", [])], ids=str)
def test_by_department_name(aicontent_emulator: Emulator, keyword: str | None, want: list[int]) -> None:
    assert matched(aicontent_emulator, keyword=keyword) == want


@pytest.mark.parametrize("member", sorted(m for m, d in MEMBERS.items() if d != 11))
def test_by_a_members_name_login_name_or_phone(aicontent_emulator: Emulator, users: dict[int, dict[str, Any]],
                                               member: int) -> None:
    """Each of a member's names finds its own department (only: not the parents)."""
    u, dep = users[member], MEMBERS[member]
    for keyword in (u["name"], u["loginName"], u["loginName"].upper(), u["phone"], u["phone"][2:9]):
        found = matched(aicontent_emulator, keyword=keyword)
        assert dep in found and 1 not in found, (keyword, found)
    others = [m for m in users if m != member]
    if all(u["phone"] not in users[o]["phone"] for o in others):
        assert matched(aicontent_emulator, keyword=u["phone"]) == [dep]


def test_invalid_parameters(aicontent_emulator: Emulator) -> None:
    invalid(get(aicontent_emulator, NAME, keyword="k" * 129), "keyword", "longer than 128")
    invalid(get(aicontent_emulator, NAME, keyword="a\0b"), "keyword", "NUL")
    assert matched(aicontent_emulator, keyword="语" * 128) == []  # the limit itself is accepted


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    check_ram(aicontent_emulator, NAME, keyword="部")
    assert_error(get(aicontent_emulator, NAME, account="denied"), 403, DENIED, "ModelRouterSearchClientTree")


def test_department_scope(aicontent_emulator: Emulator, users: dict[int, dict[str, Any]]) -> None:
    emu = aicontent_emulator
    assert matched(emu, "dept-scoped") == [2]
    assert matched(emu, "dept-scoped", keyword="市场") == [] and matched(emu, "dept-scoped", keyword="研发") == [2]
    assert matched(emu, "dept-scoped", keyword=users[1004]["loginName"]) == []  # another department's member
    assert matched(emu, "dept-scoped", keyword=users[1002]["loginName"]) == [2]
    assert matched(emu, "other-org-admin") == [11] and matched(emu, "other-org-admin", keyword="研发") == []
