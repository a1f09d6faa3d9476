"""The directory's writes in the one world (README "One world"): kept across a restart on the same
`state` file (the same directory, ids, secrets and figures; new ids go on), carried by export_state
→ import_state (a document whose operations do not apply is refused whole), gone after a reset (the
fixture's directory again), and seen by both workers of `--workers 2`, whichever made them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chargeback_helpers import body, get, ok
from helpers import start_cli, stop_group
from writes_helpers import (
    CHAT,
    D0,
    HOUR,
    NOW_ISO,
    TIERS,
    breakdown,
    clean,
    directory,
    made,
    started,
    without_request_ids,
    write,
)

from emulator.server import Emulator
from emulator.validation import FieldError

API = "/api/v1/modelRouter/open/"
JSON = {"accept": "application/json", "content-type": "application/json"}


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[Emulator, Emulator]]:
    with Emulator(now=NOW_ISO) as other:
        for emu in started():
            yield emu, other


@pytest.fixture
def emus(pair: tuple[Emulator, Emulator]) -> Iterator[tuple[Emulator, Emulator]]:
    for e in pair:
        e.reset()
    yield pair
    for e in pair:
        e.check()
        clean(e)


def some_writes(emu: Emulator) -> dict[str, Any]:
    """A few writes of every kind; what they made."""
    client = emu.client("admin")
    dep = made(client, "CreateClient", name="新部门", parentId=2, discount=0.8)["id"]
    user = made(client, "CreateUser", loginName="new-user", name="新用户", phone="1",
                departmentRoles=[{"clientId": dep}])["userId"]
    key = made(client, "CreateMemberApiKey", dep, user, expireAt="2026-03-10 18:00:00")["apiKeyId"]
    write(client, "UpdateApiKeyStatus", 5101, status="disabled")
    write(client, "DeleteApiKey", 5202)
    group = made(client, "CreateModelGroup", name="新组", modelList=[1, 2])["groupId"]
    write(client, "BatchBindModelGroup", allowedModelGroupConfig=json.dumps({"group_ids": [group]}),
          clientIdList=[dep])
    write(client, "UpdateBillingRule", 1, pricingConfig=TIERS)
    emu.clock.set("2026-03-10T13:05:00+08:00")
    model = made(client, "CreateModel", **CHAT)["id"]
    write(client, "UpdateModel", 3, status=0)
    emu.clock.set("2026-03-10T16:00:00+08:00")
    return {"dep": dep, "user": user, "key": key, "group": group, "model": model,
            "secret": body(client, "CopyApiKey", key).data.key}


def answers(emu: Emulator, made_: dict[str, Any]) -> dict[str, Any]:
    """What the reads answer about the directory and the figures."""
    out = {"directory": directory(emu), "groups": ok(get(emu, "QueryModelGroupsByApiKey", made_["key"]))["data"],
           "members": ok(get(emu, "ListDeptMembers", made_["dep"], includeAuthorization="true"))["data"],
           "secret": body(emu.client("admin"), "CopyApiKey", made_["key"]).data.key}
    out["figures"] = sorted(breakdown(emu, D0 + 10 * HOUR, D0 + 17 * HOUR, clientId=2, modelTypes="Chat").items())
    return json.loads(without_request_ids(out))


def test_export_then_import_gives_the_same_answers(emus: tuple[Emulator, Emulator]) -> None:
    emu, other = emus
    made_ = some_writes(emu)
    doc = emu.export_state()
    assert [op["name"] for op in doc["operations"]][:3] == ["create_client", "create_user", "create_member_api_key"]
    assert doc["operations"][0]["at"] == D0 + 12 * HOUR + 1200
    other.import_state(doc)
    assert answers(other, made_) == answers(emu, made_)
    assert other.export_state() == doc
    assert made(other.client("admin"), "CreateApiKey")["id"] == made(emu.client("admin"), "CreateApiKey")["id"]


def test_a_document_whose_operations_do_not_apply_is_refused_whole(emus: tuple[Emulator, Emulator]) -> None:
    emu, other = emus
    some_writes(emu)
    doc = emu.export_state()
    doc["operations"].append({"name": "delete_api_key", "args": {"id": 99999, "org": 10001, "scope": None},
                              "at": doc["operations"][-1]["at"]})
    before = other.export_state()
    with pytest.raises(FieldError) as info:
        other.import_state(doc)
    assert info.value.field == f"operations.{len(doc['operations']) - 1}.args.id"
    assert "no API key has id 99999" in info.value.reason
    assert other.export_state() == before
    r = httpx.put(other.url + "/_emulator/state", json=doc, timeout=10)
    assert r.status_code == 400 and "operations." in r.text and other.export_state() == before


def test_reset_returns_the_fixtures_directory(emus: tuple[Emulator, Emulator]) -> None:
    emu, other = emus
    pristine = directory(other)
    some_writes(emu)
    assert directory(emu) != pristine
    clean(emu)
    assert directory(emu) == pristine and emu.export_state()["operations"] == []
    assert get(emu, "QueryApiKey", 6103).status_code == 400 and made(emu.client("admin"), "CreateApiKey")["id"] == 6103


def test_kept_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Emulator(now=NOW_ISO, state=str(path)) as first:
        made_ = some_writes(first)
        before = answers(first, made_)
    with Emulator(now=NOW_ISO, state=str(path)) as again:
        assert answers(again, made_) == before
        assert made_["secret"] == before["secret"]
        assert made(again.client("admin"), "CreateApiKey")["id"] == made_["key"] + 1  # ids go on
        again.usage_events.clear()
        again.reset()
        assert again.export_state()["operations"] == []


def test_reset_after_an_event_on_a_created_key() -> None:
    with Emulator(now=NOW_ISO) as emu:
        key = made(emu.client("admin"), "CreateApiKey", clientId=2)["id"]
        emu.usage_events.add({"startTime": D0 + 12 * HOUR, "endTime": D0 + 14 * HOUR, "apiKeyId": key, "modelId": 1,
                              "factor": 2})
        try:
            emu.reset()  # FieldError: apiKeyId: no API key has id 6103
        finally:
            r = httpx.get(emu.url + API + "apikeys", headers=JSON, timeout=10)
        assert r.status_code == 200, r.text  # 500 Internal Server Error, for good
        assert emu.export_state()["usageEvents"] == [] and get(emu, "QueryApiKey", key).status_code == 400


def sticky(url: str, pid: int | None = None) -> tuple[httpx.Client, int]:
    """A keep-alive connection to one worker (another than `pid` when given), and that worker's pid."""
    for _ in range(100):
        client = httpx.Client(base_url=url, headers=JSON, timeout=10)
        worker = client.get("/_emulator/health").json()["pid"]
        if worker != pid:
            return client, worker
        client.close()
    raise AssertionError("only one worker ever answered")


def test_both_workers_see_a_write_made_through_the_other(cli_processes: list) -> None:
    proc, url = start_cli("--workers", "2", "--now", NOW_ISO)
    cli_processes.append(proc)
    a, pid_a = sticky(url)
    b, pid_b = sticky(url, pid_a)
    try:
        made_a = a.post(API + "apikeys", json={"clientId": 2}).json()["data"]
        assert made_a["id"] == 6103
        assert a.get("/_emulator/health").json()["pid"] == pid_a  # the same connection, the same worker
        seen = b.get(API + "apikeys/6103/copy").json()["data"]
        assert seen["key"] == made_a["key"] and b.get("/_emulator/health").json()["pid"] == pid_b
        assert b.put(API + "apikeys/5101/status", json={"status": "disabled"}).json()["data"]["status"] == "disabled"
        made_b = b.post(API + "clients/2/members/1002/apikeys", json={}).json()["data"]
        assert made_b["apiKeyId"] == 6104  # after a's
        disabled = a.get(API + "apikeys", params={"status": 0}).json()["data"]["list"]
        assert [k["id"] for k in disabled] == [5101]
        assert a.get(API + "apikeys/6104/copy").json()["data"]["key"] == made_b["apiKey"]
        state = a.get("/_emulator/state").json()
        assert [op["name"] for op in state["operations"]] == ["create_api_key", "update_api_key_status",
                                                              "create_member_api_key"]
        assert b.get("/_emulator/state").json() == state
    finally:
        a.close()
        b.close()
    stop_group(proc)
    assert proc.returncode == 0
