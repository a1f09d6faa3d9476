"""ModelRouterCopyApiKey (GET apikeys/{id}/copy), the one read that hands a key out in clear, and
the secrets: the same key on every call and for another Emulator with the same seed, another with
another seed; masked (README: `sk-1a2****9f3e`) in every other answer; never in the journal, nor
in any answer of the control API. Its validation rows, RAM account by account (readonly may not
copy) and the department scope."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import DENIED, KEYS, SPAN, assert_sdk_answer, body, check_ram, get, invalid, ok, refused
from kit import assert_error

from emulator.server import Emulator

NAME = "CopyApiKey"
SECRET = re.compile(r"sk-[0-9a-f]{32}")
ORG_KEYS = sorted(k for k, (dep, _) in KEYS.items() if dep != 11)


def secrets(emu: Emulator, account: str = "admin") -> dict[int, str]:
    client = emu.client(account)
    keys = [k for k, (dep, _) in KEYS.items() if (dep == 11) == (account == "other-org-admin")]
    return {k: body(client, NAME, k).data.key for k in sorted(keys)}


def masked(secret: str) -> str:
    return f"{secret[:6]}****{secret[-4:]}"


def test_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    listed = {k.id: k.to_map() for k in body(client, "QueryApiKeyList", pageSize=50).data.list}
    for key_id in ORG_KEYS:
        data = body(client, NAME, key_id).data
        assert isinstance(data, models.ApiKeyDTO) and SECRET.fullmatch(data.key), data.key
        assert data.key_preview == masked(data.key) == listed[key_id]["key"]
        assert {k: v for k, v in data.to_map().items() if k != "key"} == {
            k: v for k, v in listed[key_id].items() if k != "key"}
    raw = assert_sdk_answer(get(aicontent_emulator, NAME, 5101), NAME)
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data"] and SECRET.fullmatch(raw["data"]["key"])


def test_a_key_is_the_same_for_the_same_seed_and_another_for_another(aicontent_emulator: Emulator) -> None:
    first = secrets(aicontent_emulator)
    assert secrets(aicontent_emulator) == first and len(set(first.values())) == len(first) == 11
    seed = aicontent_emulator.settings.seed
    with Emulator(seed=seed) as same, Emulator(seed=seed + 1) as other:
        assert secrets(same) == first
        theirs = secrets(other)
    assert sorted(theirs) == sorted(first) and all(theirs[k] != first[k] for k in first)
    assert set(secrets(aicontent_emulator, "other-org-admin")) == {6101, 6102}


def answers(emu: Emulator) -> dict[str, str]:
    """Every other chargeback read's answer text (and the billing family's model-detail)."""
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("QueryApiKeyList", (), {"pageSize": 100}), ("QueryApiKeyList", (), {"clientId": 2, "includeMemberKeys": True}),
        ("QueryApiKey", (5101,), {}), ("GetMemberApiKeys", (2, 1001), {}), ("QueryModelGroupsByApiKey", (5101,), {}),
        ("QueryModelGroupClients", ("mg_chat",), {}), ("QueryModelGroupUsers", ("mg_vision",), {}),
        ("QueryModelGroupList", (), {}), ("QueryModelGroup", ("mg_chat",), {}), ("QueryModel", (1,), {}),
        ("QueryClientList", (), {}), ("SearchClientTree", (), {}), ("ListDeptMembers", (2,), {
            "includeAuthorization": True}), ("QueryUserList", (), {}), ("GetUserRoles", (1001,), {}),
        ("QueryBillingRuleList", (), {}), ("QueryModelGroupModels", ("mg_chat",), {}),
        ("QueryBillingCostBreakdown", (), {**SPAN, "granularity": "daily", "pageSize": 500}),
        ("QueryUsageBreakdown", (), {**SPAN, "granularity": "daily", "pageSize": 500})]
    out = {}
    for name, path, query in calls:
        r = get(emu, name, *path, **query)
        ok(r)
        out[f"{name}{path}"] = r.text
    for path in ("requests", "scenario", "config", "accounts", "ui"):
        r = httpx.get(f"{emu.url}/_emulator/{path}", timeout=10)
        assert r.status_code == 200
        out[path] = r.text
    return out


def test_keys_are_masked_everywhere_else(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    full = secrets(emu)
    texts = answers(emu)
    for key_id, secret in full.items():
        for where, text in texts.items():
            assert secret not in text and secret[3:] not in text, (key_id, where)
    listed = {k["id"]: k for k in ok(get(emu, "QueryApiKeyList", pageSize=100))["data"]["list"]}
    group_keys = [k for g in ("mg_chat", "mg_vision") for name in ("QueryModelGroupClients", "QueryModelGroupUsers")
                  for item in ok(get(emu, name, g))["data"]["list"] for k in item["apiKeys"]]
    assert group_keys
    for k in group_keys:
        assert k["keyPreview"] == masked(full[k["id"]]) == listed[k["id"]]["keyPreview"]
    for key_id in ORG_KEYS:
        assert listed[key_id]["key"] == listed[key_id]["keyPreview"] == masked(full[key_id])
        assert ok(get(emu, "QueryApiKey", key_id))["data"]["key"] == masked(full[key_id])


def test_the_full_key_is_never_journaled(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    secret = body(emu.client("admin"), NAME, 5105).data.key
    body(emu.client("dept-scoped"), NAME, 5105)
    refused(emu.client("readonly"), NAME, 5105)
    get(emu, NAME, 5105, account="admin")
    get(emu, NAME, "x")
    entries = emu.requests
    copies = [e for e in entries if e.action == "ModelRouterCopyApiKey"]
    assert [e.status for e in copies] == [200, 200, 403, 200, 400]
    assert all(secret not in repr(e) and secret[3:] not in repr(e) for e in entries)
    journal = httpx.get(emu.url + "/_emulator/requests", timeout=10)
    assert journal.status_code == 200 and "apikeys/5105/copy" in journal.text
    assert secret not in journal.text and secret[3:] not in journal.text


CASES = [(("x",), "id", "base-10 integer"), (("0",), "id", "positive API key id"), (("5.1",), "id", "base-10"),
         (("99",), "id", "no API key has id 99"), (("6101",), "id", "no API key has id 6101")]


@pytest.mark.parametrize("path, param, reason", CASES, ids=[f"{p[0]}:{r[:14]}" for p, _, r in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, path: tuple[str, ...], param: str, reason: str) -> None:
    invalid(get(aicontent_emulator, NAME, *path), param, reason)
    err = refused(aicontent_emulator.client("admin"), NAME, *path)
    assert (err.code, err.status_code) == ("InvalidParameter", 400) and reason in err.message


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    check_ram(aicontent_emulator, NAME, 5101)
    r = get(aicontent_emulator, NAME, 5101, account="readonly")  # may read the masked key, not copy it
    assert_error(r, 403, DENIED, "no Allow for aicontent:ModelRouterCopyApiKey")
    assert ok(get(aicontent_emulator, "QueryApiKey", 5101, account="readonly"))["data"]["key"].count("*") == 4
    assert_error(get(aicontent_emulator, NAME, 99, account="denied"), 403, DENIED)


def test_department_scope(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    assert ok(get(emu, NAME, 5104, account="dept-scoped"))["data"]["key"] == secrets(emu)[5104]
    for key_id in (5001, 5201, 5302):
        assert_error(get(emu, NAME, key_id, account="dept-scoped"), 403, DENIED, "outside the scope")
    invalid(get(emu, NAME, 5101, account="other-org-admin"), "id", "no API key has id 5101")
