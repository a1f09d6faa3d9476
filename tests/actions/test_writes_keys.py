"""The API keys' writes through the SDK: ModelRouterCreateApiKey, CreateMemberApiKey,
BatchCreateMemberApiKeys, UpdateApiKeyStatus (its own envelope), BatchDisableMemberApiKeys,
RenewApiKey, BatchRenewMemberApiKeys and DeleteApiKey: their answers, the reads that follow
(QueryApiKeyList, QueryApiKey, GetMemberApiKeys, CopyApiKey, QueryModelGroupsByApiKey), the times
(the data clock's now), the ids (the fixture's largest + 1, the same in every emulator) and the
secrets (from the seed and the id; in clear only in the create answers and CopyApiKey, never in
the journal or the state document). What the keys' writes do to the figures is test_writes_figures.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import body, get, ok
from kit import raw
from writes_helpers import NOW, NOW_UTC, fresh, made, refuse, rfc3339, started, utc, write

from emulator.server import Emulator

SECRET = re.compile(r"sk-[0-9a-f]{32}")
MASKED = re.compile(r"sk-[0-9a-f]{3}\*{4}[0-9a-f]{4}")
FIRST = 6103  # the fixture's keys end at 6102 (organisation 20002's)


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Emulator, Emulator, Emulator]]:
    with Emulator(now="2026-03-10T12:20:00+08:00") as twin, Emulator(now="2026-03-10T12:20:00+08:00", seed=7) as seven:
        for emu in started():
            yield emu, twin, seven


@pytest.fixture
def emu(servers: tuple[Emulator, Emulator, Emulator]) -> Iterator[Emulator]:
    yield from fresh(servers[0])


def key_ids(emu: Emulator, **query: object) -> list[int]:
    return [k["id"] for k in ok(get(emu, "QueryApiKeyList", pageSize=100, **query))["data"]["list"]]


def member_keys(emu: Emulator, dep: int, member: int) -> list[tuple[int, str, str]]:
    listed = ok(get(emu, "GetMemberApiKeys", dep, member))["data"]["list"]
    return [(k["id"], k["status"], k["expireAt"]) for k in listed]


def copied(client: object, key: int) -> str:
    return str(body(client, "CopyApiKey", key).data.key)


def test_create_api_key_answers_the_key_in_clear_once(emu: Emulator) -> None:
    client = emu.client("admin")
    data = write(client, "CreateApiKey", clientId=2).data
    assert isinstance(data, models.ApiKeyDTO) and isinstance(data.client, models.ClientDTO)
    assert (data.id, data.client_id, data.member_user_id, data.name) == (FIRST, 2, 0, f"key-{FIRST}")
    assert (data.gmt_create, data.gmt_modified) == (NOW_UTC, NOW_UTC)
    assert SECRET.fullmatch(data.key) and data.key_preview == f"{data.key[:6]}****{data.key[-4:]}"
    assert MASKED.fullmatch(data.key_preview)
    assert data.client.to_map() == body(client, "QueryApiKey", FIRST).data.client.to_map()
    one = body(client, "QueryApiKey", FIRST).data
    assert one.key == one.key_preview == data.key_preview and one.gmt_create == NOW_UTC
    assert copied(client, FIRST) == data.key
    assert key_ids(emu, clientId=2) == [5104, FIRST]
    assert write(client, "CreateApiKey", clientId=3).data.id == FIRST + 1  # ids go on from there


def test_create_api_key_without_a_department_uses_the_default_one(emu: Emulator) -> None:
    assert made(emu.client("admin"), "CreateApiKey")["clientId"] == 1  # the organisation's first top-level one
    assert made(emu.client("dept-scoped"), "CreateApiKey")["clientId"] == 2  # a scoped caller's own


def test_create_member_api_key(emu: Emulator) -> None:
    client = emu.client("admin")
    data = made(client, "CreateMemberApiKey", 3, 1005, name="mine", expireAt="2026-04-01 00:00:00")
    assert set(data) == {"apiKey", "apiKeyId"} and data["apiKeyId"] == FIRST and SECRET.fullmatch(data["apiKey"])
    assert copied(client, FIRST) == data["apiKey"]
    assert member_keys(emu, 3, 1005) == [(5202, "active", ""), (FIRST, "active", "2026-03-31T16:00:00Z")]
    listed = ok(get(emu, "GetMemberApiKeys", 3, 1005))["data"]["list"][-1]
    assert (listed["name"], listed["memberUserId"], listed["clientId"], listed["gmtCreate"]) == ("mine", 1005, 3,
                                                                                                 NOW_UTC)
    assert listed["key"] == listed["keyPreview"] != data["apiKey"]
    groups = ok(get(emu, "QueryModelGroupsByApiKey", FIRST))["data"]
    assert (groups["bindType"], [g["groupId"] for g in groups["groups"]]) == ("member", ["mg_vision"])  # 1005's own
    assert key_ids(emu, memberUserIds="1005") == [5202, FIRST]


def test_batch_create_member_api_keys(emu: Emulator) -> None:
    client = emu.client("admin")
    data = made(client, "BatchCreateMemberApiKeys", 2, userIds=[1003, 1004, 1002], name="batch",
                expireAt="2026-05-01T00:00:00+08:00")
    assert data == {"failed": [{"reason": "member 1004 is not a member of department 2", "userId": 1004}],
                    "succeeded": [1003, 1002]}
    assert member_keys(emu, 2, 1003)[-1] == (FIRST, "active", "2026-04-30T16:00:00Z")
    assert member_keys(emu, 2, 1002)[-1] == (FIRST + 1, "active", "2026-04-30T16:00:00Z")
    assert [k["name"] for k in ok(get(emu, "GetMemberApiKeys", 2, 1002))["data"]["list"]][-1] == "batch"
    assert key_ids(emu, memberUserIds="1004") == [5201]


def test_update_api_key_status_has_its_own_envelope(emu: Emulator) -> None:
    r = raw(emu, "UpdateApiKeyStatus", 5102, body={"status": "disabled"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json;charset=utf-8"
    answer = r.json()
    assert list(answer) == ["code", "message", "requestId", "success", "data"]
    assert answer == {"code": 200, "message": "success", "requestId": r.headers["x-acs-request-id"], "success": True,
                      "data": {"id": 5102, "status": "disabled"}}
    assert key_ids(emu, status=0) == [5102] and 5102 not in key_ids(emu, status=1)
    assert member_keys(emu, 2, 1002) == [(5102, "disabled", "")]
    emu.clock.advance(600)
    sdk = body_of_status(emu.client("admin"), 5102, "active")
    assert (sdk.code, sdk.message, sdk.success, sdk.data.to_map()) == (200, "success", True,
                                                                        {"id": 5102, "status": "active"})
    assert ok(get(emu, "QueryApiKey", 5102))["data"]["gmtModified"] == utc(NOW + 600)
    assert key_ids(emu, status=0) == []


def body_of_status(client: object, key: int, status: str) -> models.ModelRouterUpdateApiKeyStatusResponseBody:
    req = models.ModelRouterUpdateApiKeyStatusRequest(status=status)
    resp = client.model_router_update_api_key_status(str(key), req)  # type: ignore[attr-defined]
    assert resp.status_code == 200
    return resp.body


def test_batch_disable_member_api_keys(emu: Emulator) -> None:
    data = made(emu.client("admin"), "BatchDisableMemberApiKeys", 2, userIds=[1001, 1004, 424242])
    assert data == {"failed": [{"reason": "member 1004 is not a member of department 2", "userId": 1004},
                               {"reason": "no member has id 424242 in your organization", "userId": 424242}],
                    "succeeded": [1001]}
    assert member_keys(emu, 2, 1001) == [(5101, "disabled", ""), (5105, "disabled", "")]
    assert key_ids(emu, status=0) == [5101, 5105]


def test_renew_api_key(emu: Emulator) -> None:
    client = emu.client("admin")
    data = made(client, "RenewApiKey", 5101, expireAt="2026-04-01T08:00:00+08:00")
    assert data == {"expireAt": "2026-04-01T00:00:00Z", "id": 5101, "status": "active"}
    assert member_keys(emu, 2, 1001)[0] == (5101, "active", "2026-04-01T00:00:00Z")
    assert ok(get(emu, "QueryApiKey", 5101))["data"]["gmtModified"] == NOW_UTC
    refuse(emu, client, "RenewApiKey", 5101, field="expireAt", says="later than the current time",
           expireAt=rfc3339(NOW))
    refuse(emu, client, "RenewApiKey", 5101, field="expireAt", says="RFC 3339", expireAt="2026-04-01 08:00:00")


def test_batch_renew_member_api_keys(emu: Emulator) -> None:
    client = emu.client("admin")
    data = made(client, "BatchRenewMemberApiKeys", 2, userIds=[1001, 1002], expireAt="2026-06-01T00:00:00Z")
    assert data == {"failed": [], "succeeded": [1001, 1002]}
    assert [e for _, _, e in member_keys(emu, 2, 1001) + member_keys(emu, 2, 1002)] == ["2026-06-01T00:00:00Z"] * 3
    assert member_keys(emu, 2, 1003) == [(5103, "active", "")]
    refuse(emu, client, "BatchRenewMemberApiKeys", 2, field="expireAt", says="later than the current time",
           userIds=[1001], expireAt=rfc3339(NOW - 60))


def test_delete_api_key(emu: Emulator) -> None:
    client = emu.client("admin")
    assert write(client, "DeleteApiKey", 5105).data is True
    assert 5105 not in key_ids(emu) and member_keys(emu, 2, 1001) == [(5101, "active", "")]
    for name in ("QueryApiKey", "CopyApiKey", "QueryModelGroupsByApiKey", "DeleteApiKey", "RenewApiKey"):
        refuse(emu, client, name, 5105, field="id", says="no API key has id 5105")
    refuse(emu, client, "UpdateApiKeyStatus", 5105, field="id", says="no API key has id 5105", status="active")
    assert ok(get(emu, "ListDeptMembers", 2, includeAuthorization="true"))["data"]["list"][0]["keyCount"] == 1
    made_key = made(client, "CreateApiKey", clientId=2)["id"]
    assert made_key == FIRST and write(client, "DeleteApiKey", made_key).data is True
    assert made(client, "CreateApiKey", clientId=2)["id"] == FIRST + 1  # a deleted key's id is not given again


def test_secrets_are_never_journaled_nor_kept(emu: Emulator) -> None:
    client = emu.client("admin")
    secrets = [made(client, "CreateApiKey", clientId=2)["key"], made(client, "CreateMemberApiKey", 2, 1002)["apiKey"],
               copied(client, FIRST), copied(client, 5101)]
    write(client, "BatchCreateMemberApiKeys", 2, userIds=[1003])
    secrets.append(copied(client, FIRST + 2))
    assert all(SECRET.fullmatch(s) for s in secrets) and len(set(secrets)) == 4
    kept = [json.dumps(emu.export_state()), httpx.get(emu.url + "/_emulator/state").text,
            httpx.get(emu.url + "/_emulator/requests").text, json.dumps([e._asdict() for e in emu.requests])]
    for secret in secrets:
        for text in kept:
            assert secret not in text and secret[3:] not in text


def test_ids_and_secrets_are_the_same_in_every_emulator_of_the_seed(
        servers: tuple[Emulator, Emulator, Emulator]) -> None:
    answers = []
    for emu in servers:
        emu.reset()
        client = emu.client("admin")
        answers.append([made(client, "CreateApiKey", clientId=2), made(client, "CreateMemberApiKey", 2, 1001),
                        made(client, "BatchCreateMemberApiKeys", 2, userIds=[1002, 1003]),
                        copied(client, FIRST + 2), copied(client, FIRST + 3)])
        emu.reset()
    (mine, twins, sevens) = answers
    assert mine == twins  # same seed, same fixture: the same ids and secrets
    assert [a["id"] for a in (mine[0], sevens[0])] == [FIRST, FIRST] and mine[1]["apiKeyId"] == FIRST + 1
    assert mine[0]["key"] != sevens[0]["key"] and mine[3] != sevens[3]  # the secret comes from the seed and the id
    assert len({mine[0]["key"], mine[1]["apiKey"], mine[3], mine[4]}) == 4
