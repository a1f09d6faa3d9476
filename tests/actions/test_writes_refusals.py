"""Refusals change nothing: a write the emulator refuses, for its body (a required field missing is
MissingParameter naming it, `models.1.name` inside a list; a wrong JSON type, a bound, an id list
of 0 or 51 ids or one id twice is InvalidParameter naming the dotted field), for its path, for what
its ids name or for the directory's rules, leaves the state document, every directory read and the
figures as they were, takes no id, and is journaled with its reason. The rules of each action are
in its own file; these are the body's, over every write."""

from __future__ import annotations

from typing import Any

import pytest
from kit import assert_error, raw
from writes_helpers import directory, made

from emulator.server import Emulator

IDS_LISTS = [("BatchBindModelGroup", (), "clientIdList", {"allowedModelGroupConfig": '{"model_ids":[1]}'}),
             ("BatchSetMemberAuthorization", (2,), "userIdList", {"allowedModelGroupConfig": '{"model_ids":[1]}'}),
             ("BatchResetMemberAuthorization", (3,), "userIds", {}), ("BatchCreateMemberApiKeys", (2,), "userIds", {}),
             ("BatchDisableMemberApiKeys", (2,), "userIds", {}), ("BatchRenewMemberApiKeys", (2,), "userIds", {})]
BODIES: list[tuple[str, tuple[Any, ...], Any, str, str, str]] = [  # (action, path, body, code, field, reason)
    ("CreateApiKey", (), {"clientId": 2.0}, "InvalidParameter", "clientId", "valid integer"),
    ("CreateApiKey", (), {"clientId": True}, "InvalidParameter", "clientId", "valid integer"),
    ("CreateApiKey", (), {"clientId": "2"}, "InvalidParameter", "clientId", "valid integer"),
    ("CreateApiKey", (), {"clientId": 0}, "InvalidParameter", "clientId", "greater than or equal to 1"),
    ("CreateApiKey", (), {"clientId": 10 ** 40}, "InvalidParameter", "clientId", "too many digits"),
    ("CreateApiKey", (), [2], "InvalidParameter", "body", "must be a JSON object"),
    ("CreateApiKey", (), b"{", "InvalidParameter", "body", "not valid JSON"),
    ("UpdateApiKeyStatus", ("x",), {"status": "active"}, "InvalidParameter", "id", "base-10 integer"),
    ("UpdateApiKeyStatus", ("0",), {"status": "active"}, "InvalidParameter", "id", "positive API key id"),
    ("UpdateApiKeyStatus", (5101,), {}, "MissingParameter", "status", ""),
    ("UpdateApiKeyStatus", (5101,), {"status": "enabled"}, "InvalidParameter", "status", "active|disabled"),
    ("UpdateApiKeyStatus", (5101,), {"status": 1}, "InvalidParameter", "status", "valid string"),
    ("CreateMemberApiKey", (2, 1002), {"expireAt": "2026-04-01T00:00:00+08:00"}, "InvalidParameter", "expireAt",
     "yyyy-MM-dd HH:mm:ss"),
    ("CreateMemberApiKey", (2, 1002), {"name": ""}, "InvalidParameter", "name", "at least 1"),
    ("RenewApiKey", (5101,), {"expireAt": 1775000000}, "InvalidParameter", "expireAt", "RFC 3339"),
    ("BatchCreateModel", (), {"apiKey": "sk-provider-1", "symbol": "a", "models": [
        {"modelId": "a", "modelType": "Chat", "name": "A"}, {"modelId": "b", "modelType": "Chat"}]},
     "MissingParameter", "models.1.name", ""),
    ("BatchCreateModel", (), {"symbol": "a", "models": [{"modelId": "a", "modelType": "Chat", "name": "A"}]},
     "MissingParameter", "apiKey", ""),
    ("CreateUser", (), {"loginName": "a", "name": "ab", "phone": "1", "departmentRoles": [
        {"clientId": 2}, {"clientId": 2.5}]}, "InvalidParameter", "departmentRoles.1.clientId", "valid integer"),
    ("CreateUser", (), {"loginName": "a", "name": "ab", "phone": "1", "departmentRoles": {"clientId": 2}},
     "InvalidParameter", "departmentRoles", "valid list"),
    ("SaveFlowConfig", (), {"modelId": 1, "smoothFlowEnabled": "yes"}, "InvalidParameter", "smoothFlowEnabled",
     "valid boolean"),
    ("SaveFlowConfig", (), {"modelId": 1, "tpm": 2 ** 31}, "InvalidParameter", "tpm", "less than or equal to"),
    ("UpdateClient", (2,), {"discount": "0.8"}, "InvalidParameter", "discount", "valid number"),
    ("UpdateModelGroup", ("mg_speech",), {"modelList": [11]}, "MissingParameter", "name", ""),
    ("CreateBillingRule", (), {"modelId": 1, "pricingConfig": "2/8"}, "InvalidParameter", "pricingConfig",
     "valid dictionary"),
    ("CreateBillingRule", (), {"modelId": 1, "pricingConfig": {"tiers": []}, "effectiveTime": "tomorrow"},
     "InvalidParameter", "effectiveTime", "RFC 3339"),
    *[(name, path, {**extra, field: ids}, "InvalidParameter", field + at, reason) for name, path, field, extra in
      IDS_LISTS for ids, at, reason in (([], "", "at least 1 item"), (list(range(1001, 1052)), "", "at most 50 items"),
                                        ([1002, 1002], "", "more than once"), ([0], ".0", "greater than or equal to 1"),
                                        ([1002, "1003"], ".1", "valid integer"))],
    *[(name, path, extra, "MissingParameter", field, "") for name, path, field, extra in IDS_LISTS],
]


def label(case: tuple[Any, ...]) -> str:
    name, path, body, _, field, reason = case
    return f"{name}-{field}-{reason or 'missing'}"[:60]


@pytest.mark.parametrize("case", BODIES, ids=[label(c) for c in BODIES])
def test_a_refused_body_changes_nothing(emu: Emulator, case: tuple[Any, ...]) -> None:
    name, path, body, code, field, reason = case
    before, reads = emu.export_state(), directory(emu)
    r = raw(emu, name, *path, body=body)
    err = assert_error(r, 400, code, gateway=True, in_message=True)
    if code == "MissingParameter":
        assert f'The input parameter "{field}" that is mandatory' in err["Message"], err["Message"]
    else:
        assert err["Message"].startswith(f'The parameter "{field}" is invalid: ') and reason in err["Message"], \
            err["Message"]
    entry = emu.requests[-1]
    assert (entry.status, entry.error_code, entry.action) == (400, code, "ModelRouter" + name) and field in entry.reason
    assert emu.export_state() == before and directory(emu) == reads


def test_unknown_fields_are_ignored(emu: Emulator) -> None:
    r = raw(emu, "CreateApiKey", body={"clientId": 3, "color": "blue", "key": "sk-mine"})
    assert r.status_code == 200 and r.json()["data"]["clientId"] == 3 and r.json()["data"]["key"] != "sk-mine"


def test_a_refusal_takes_no_id(emu: Emulator) -> None:
    client = emu.client("admin")
    first = made(client, "CreateApiKey", clientId=2)["id"]
    for body in ({"clientId": 999}, {"clientId": 11}, {"clientId": "x"}):
        assert raw(emu, "CreateApiKey", body=body).status_code == 400
    assert made(client, "CreateApiKey", clientId=2)["id"] == first + 1
    user = made(client, "CreateUser", loginName="a1", name="甲乙", phone="1")["userId"]
    assert raw(emu, "CreateUser", body={"loginName": "A1", "name": "甲乙", "phone": "1"}).status_code == 400
    assert made(client, "CreateUser", loginName="a2", name="甲乙", phone="1")["userId"] == user + 1
    dep = made(client, "CreateClient", name="甲")["id"]
    assert raw(emu, "CreateClient", body={"name": "乙", "parentId": 999}).status_code == 400
    assert made(client, "CreateClient", name="丙")["id"] == dep + 1
    assert len(emu.export_state()["operations"]) == 6  # the refused ones are not stored


def test_a_refused_write_in_a_sequence_leaves_the_others(emu: Emulator) -> None:
    client = emu.client("admin")
    made(client, "UpdateApiKeyStatus", 5101, status="disabled")
    state, reads = emu.export_state(), directory(emu)
    assert raw(emu, "DeleteUser", 1001).status_code == 400  # it has keys
    assert raw(emu, "DeleteClient", 4).status_code == 400  # it has members
    assert raw(emu, "BatchSetMemberAuthorization", 2, body={"userIdList": [1001, 1004],
                                                            "allowedModelGroupConfig": "{}"}).status_code == 400
    assert emu.export_state() == state and directory(emu) == reads
    assert [op["name"] for op in state["operations"]] == ["update_api_key_status"]
