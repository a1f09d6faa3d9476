"""ModelRouterQueryClientTree (GET clients/tree): the caller's departments as a tree,
through the SDK and on the wire, its uuids, and its validation rows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from family_helpers import (
    COST,
    call,
    is_int,
    ok,
    own_invalid,
    parse_iso,
    refused,
    sdk,
    sdk_invalid,
)
from helpers import DAY, MARCH_1
from kit import assert_invalid

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}


def _flatten(nodes: list[Any]) -> list[Any]:
    return [n for node in nodes for n in [node, *_flatten(node.children)]]


# The fixture's authorizations: department 3 mg_chat (1-6), mg_vision (8-10) and model 7; department
# 4 models 1, 2, 3, 7; departments without one every model.
ALLOWED = {1: ",".join(map(str, range(1, 13))), 2: ",".join(map(str, range(1, 13))),
           3: ",".join(map(str, range(1, 11))), 4: "1,2,3,7"}


def test_client_tree_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "tree")
    root = body.data[0]
    assert isinstance(root, models.ClientTreeDTO) and len(body.data) == 1 and body.next_token == ""
    assert (root.id, root.name, root.level, root.main, root.parent_id) == (1, "总部", 1, 0, 0)
    assert [c.id for c in root.children] == [2, 3]
    assert [c.id for c in root.children[0].children] == [4]
    for node in _flatten(body.data):
        assert re.fullmatch(r"st-[0-9a-f]{8}", node.client_uuid)
        assert (node.discount, node.delete_tag, node.user_id, node.node_type) == (1.0, 0, 10001, "department")
        assert isinstance(node.gmt_create, str) and isinstance(node.gmt_modified, str)
        assert node.allowed_models == ALLOWED[node.id], node.id
        assert node.main == (0 if node.level == 1 else 1)
    deep = root.children[0].children[0]
    assert (deep.level, deep.parent_id, deep.name) == (3, 2, "数据智能组")
    assert len({n.client_uuid for n in _flatten(body.data)}) == 4


TREE_KEYS = ["address", "allowedModels", "children", "clientUuid", "contact", "deleteTag", "discount", "gmtCreate",
             "gmtModified", "id", "level", "main", "name", "nodeType", "parentId", "remark", "userId"]


def test_client_tree_types(aicontent_emulator: Emulator) -> None:
    nodes = ok(call(aicontent_emulator.url, "tree"))["data"]
    while nodes:
        node = nodes.pop()
        assert list(node) == TREE_KEYS
        for k in ("address", "allowedModels", "clientUuid", "contact", "gmtCreate", "gmtModified", "name",
                  "nodeType", "remark"):
            assert isinstance(node[k], str), k
        for k in ("deleteTag", "id", "level", "main", "parentId", "userId"):
            assert is_int(node[k]), k
        assert isinstance(node["discount"], float) and node["discount"] == 1.0
        assert parse_iso(node["gmtCreate"]) <= parse_iso(node["gmtModified"])
        nodes += node["children"]


def test_department_scope_client_tree(aicontent_emulator: Emulator) -> None:
    tree = sdk(aicontent_emulator.client("dept-scoped"), "tree").data
    assert [(n.id, n.level, n.parent_id, n.main, n.children) for n in tree] == [(2, 1, 0, 0, [])]
    other = sdk(aicontent_emulator.client("other-org-admin"), "tree").data
    assert [(n.id, n.name, n.user_id, n.children) for n in other] == [(11, "运营部", 20002, [])]


def test_client_uuids_follow_the_seed(aicontent_emulator: Emulator) -> None:
    """clientUuid is "st-" + 8 hex digits derived from the seed: stable, distinct, seed-dependent."""
    def uuids(base: str) -> dict[int, str]:
        out: dict[int, str] = {}
        nodes = ok(call(base, "tree"))["data"]
        while nodes:
            node = nodes.pop()
            out[node["id"]] = node["clientUuid"]
            nodes += node["children"]
        return out

    mine = uuids(aicontent_emulator.url)
    assert mine == uuids(aicontent_emulator.url) and len(set(mine.values())) == 4
    assert all(re.fullmatch(r"st-[0-9a-f]{8}", u) for u in mine.values())
    with Emulator(seed=aicontent_emulator.settings.seed + 1) as other:
        theirs = uuids(other.url)
    assert sorted(theirs) == sorted(mine) and not set(theirs.values()) & set(mine.values())


# -- validation rows: its own (raw), and through the SDK ----------------------------------------
OWN_CASES = own_invalid("tree")


@pytest.mark.parametrize("action, change, name, reason", OWN_CASES,
                         ids=[f"{a}-{n}:{r[:24]}:{str(list(c.values())[0])[:12]}" for a, c, n, r in OWN_CASES])
def test_own_cases(aicontent_emulator: Emulator, action: str, change: dict, name: str, reason: str) -> None:
    base = SPAN if action in COST else {}
    assert_invalid(call(aicontent_emulator.url, action, {**base, **change}), name, reason)


SDK_CASES = sdk_invalid("tree")


@pytest.mark.parametrize("name, kw, wire, reason", SDK_CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:20]}" for c in SDK_CASES])
def test_invalid_parameter(aicontent_client: Any, name: str, kw: dict, wire: str, reason: str) -> None:
    err = refused(aicontent_client, name, **kw)
    assert (err.code, err.status_code) == ("InvalidParameter", 400)
    message = err.data["Message"]
    assert message.startswith(f'The parameter "{wire}" is invalid: ') and reason in message, message
