"""The catalogue's writes through the SDK: model groups (ModelRouterCreateModelGroup, UpdateModelGroup,
DeleteModelGroup), models (CreateModel, BatchCreateModel, UpdateModel, DeleteModel) and flow control
(SaveFlowConfig): their answers, the reads that follow (QueryModelGroupList, QueryModelGroup and its
models, QueryModelGroupsByApiKey, QueryModelList, QueryModel), the refusals that keep the directory
as it was, and the provider's apiKey, of which only a masked preview is ever kept or shown."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import get, ok
from kit import raw
from writes_helpers import CHAT, D0, HOUR, NOW, NOW_UTC, made, refuse, utc, write

from emulator.server import Emulator

PROVIDER = "sk-provider-TOPSECRET-0042"  # a provider's key: never stored, never echoed
GROUP_ID = re.compile(r"mg_[0-9a-f]{12}")


def groups(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {g["groupId"]: g for g in ok(get(emu, "QueryModelGroupList", pageSize=100))["data"]["list"]}


def catalogue(emu: Emulator) -> dict[int, dict[str, Any]]:
    return {m["id"]: m for m in ok(get(emu, "QueryModelList", pageSize=100))["data"]["list"]}


# -- model groups -----------------------------------------------------------------------------
def test_create_model_group(emu: Emulator) -> None:
    client = emu.client("admin")
    data = write(client, "CreateModelGroup", name="New Group", modelList=[2, 1, 2]).data
    assert isinstance(data, models.ModelRouterCreateModelGroupResponseBodyData) and GROUP_ID.fullmatch(data.group_id)
    group = groups(emu)[data.group_id]
    assert group == {"gmtCreate": NOW_UTC, "gmtModified": NOW_UTC, "groupId": data.group_id, "modelCount": 2,
                     "modelList": [2, 1], "name": "New Group", "type": "manual"}
    assert ok(get(emu, "QueryModelGroup", data.group_id))["data"] == group
    assert [m["id"] for m in ok(get(emu, "QueryModelGroupModels", data.group_id))["data"]["list"]] == [2, 1]
    assert [g for g in groups(emu)] == ["mg_chat", "mg_vision", "mg_speech", data.group_id]
    other = made(client, "CreateModelGroup", name="Another", modelList=[3])["groupId"]
    assert GROUP_ID.fullmatch(other) and other != data.group_id
    write(client, "SetMemberAuthorization", 2, 1002,
          allowedModelGroupConfig=json.dumps({"model_ids": [], "group_ids": [data.group_id]}))
    by_key = ok(get(emu, "QueryModelGroupsByApiKey", 5102))["data"]
    assert [g["groupId"] for g in by_key["groups"]] == [data.group_id] and by_key["bindType"] == "member"


@pytest.mark.parametrize("fields, field, says", [
    ({"name": "对话模型"}, "name", "is named '对话模型' already (mg_chat)"),
    ({"name": "语音"}, "name", "(mg_speech)"),
    ({"name": ""}, "name", "at least 1"),
    ({"name": "x" * 51}, "name", "at most 50"),
    ({"modelList": []}, "modelList", "at least 1"),
    ({"modelList": [1, 99]}, "modelList", "no model has id 99"),
    ({"modelList": [1, "2"]}, "modelList.1", "valid integer"),
], ids=["fixture-name", "fixture-name-2", "empty", "long", "no-models", "unknown-model", "string-id"])
def test_create_model_group_refused(emu: Emulator, fields: dict[str, Any], field: str, says: str) -> None:
    refuse(emu, emu.client("admin"), "CreateModelGroup", field=field, says=says,
           **{"name": "组", "modelList": [1], **fields})


def test_a_group_name_is_taken_case_insensitively(emu: Emulator) -> None:
    client = emu.client("admin")
    gid = made(client, "CreateModelGroup", name="New Group", modelList=[1])["groupId"]
    refuse(emu, client, "CreateModelGroup", field="name", says=f"({gid})", name="NEW group", modelList=[1])
    other = made(client, "CreateModelGroup", name="Other", modelList=[1])["groupId"]
    refuse(emu, client, "UpdateModelGroup", other, field="name", says=f"({gid})", name="new GROUP", modelList=[1])
    assert write(client, "UpdateModelGroup", gid, name="NEW GROUP", modelList=[1]).data is True  # its own name


def test_update_model_group(emu: Emulator) -> None:
    client = emu.client("admin")
    emu.clock.advance(60)
    assert write(client, "UpdateModelGroup", "mg_speech", name="语音模型", modelList=[12, 11, 8]).data is True
    group = groups(emu)["mg_speech"]
    assert (group["name"], group["modelList"], group["modelCount"], group["gmtCreate"], group["gmtModified"]) == (
        "语音模型", [12, 11, 8], 3, "2024-01-01T00:00:00Z", utc(NOW + 60))
    write(client, "UpdateModelGroup", "mg_speech", name="语音模型", modelList=[])  # [] clears it
    assert groups(emu)["mg_speech"]["modelList"] == []
    refuse(emu, client, "UpdateModelGroup", "mg_chat", field="groupId", says="is a system group",
           name="x", modelList=[1])
    refuse(emu, client, "UpdateModelGroup", "mg_nope", field="groupId", says="no model group has id mg_nope",
           name="x", modelList=[1])
    refuse(emu, client, "UpdateModelGroup", "mg_vision", field="modelList", says="no model has id 99", name="x",
           modelList=[99])


def test_delete_model_group(emu: Emulator) -> None:
    client = emu.client("admin")
    gid = made(client, "CreateModelGroup", name="短命", modelList=[1])["groupId"]
    assert write(client, "DeleteModelGroup", gid).data is True
    assert gid not in groups(emu)
    refuse(emu, client, "QueryModelGroup", gid, field="groupId", says=f"no model group has id {gid}")
    refuse(emu, client, "DeleteModelGroup", gid, field="groupId", says=f"no model group has id {gid}")
    refuse(emu, client, "DeleteModelGroup", "mg_chat", field="groupId", says="is a system group")
    refuse(emu, client, "DeleteModelGroup", "mg_vision", field="groupId", says="department 3 is authorized")


def test_a_group_bound_to_a_member_or_department_stays(emu: Emulator) -> None:
    client = emu.client("admin")
    gid = made(client, "CreateModelGroup", name="在用", modelList=[1])["groupId"]
    auth = json.dumps({"model_ids": [], "group_ids": [gid]})
    write(client, "SetMemberAuthorization", 2, 1003, allowedModelGroupConfig=auth)
    refuse(emu, client, "DeleteModelGroup", gid, field="groupId", says="member 1003 is authorized")
    write(client, "ResetMemberAuthorization", 2, 1003)
    write(client, "BatchBindModelGroup", allowedModelGroupConfig=auth, clientIdList=[4])
    refuse(emu, client, "DeleteModelGroup", gid, field="groupId", says="department 4 is authorized")
    write(client, "BatchBindModelGroup", allowedModelGroupConfig='{"model_ids":[1]}', clientIdList=[4])
    assert write(client, "DeleteModelGroup", gid).data is True


# -- models -----------------------------------------------------------------------------------
def test_create_model(emu: Emulator) -> None:
    client = emu.client("admin")
    data = write(client, "CreateModel", **CHAT, symbol="acme", description="d", tags="t", maxInputLength="4096",
                 apiKey=PROVIDER, baseUrl="https://llm.example/v1").data
    assert isinstance(data, models.ModelDTO)
    got = data.to_map()
    assert (got["id"], got["modelCode"], got["name"], got["modelType"], got["isCustom"], got["hasBillingRule"]) == (
        13, "my-model", "Mine", "Chat", True, False)
    assert (got["gmtCreate"], got["gmtModified"], got["maxInputLength"], got["maxOutputLength"], got["inOut"]) == (
        NOW_UTC, NOW_UTC, "4096", "8192", "text-text")
    assert (got["symbol"], got["baseUrl"], got["apiKeyPreview"], got["deleteTag"]) == (
        "acme", "https://llm.example/v1", "sk-pro****0042", 0)
    assert catalogue(emu)[13] == got and ok(get(emu, "QueryModel", 13))["data"] == got
    tts = made(client, "CreateModel", modelId="voice", name="Voice", modelType="TTS")
    assert (tts["id"], tts["inOut"], tts["apiKeyPreview"]) == (14, "text-audio", "")
    assert [m["id"] for m in ok(get(emu, "QueryModelList", modelType="TTS"))["data"]["list"]] == [12, 14]


def test_the_provider_key_is_never_kept_nor_echoed(emu: Emulator) -> None:
    client = emu.client("admin")
    write(client, "CreateModel", **CHAT, apiKey=PROVIDER)
    write(client, "BatchCreateModel", apiKey=PROVIDER + "-batch", symbol="acme",
          models=[{"modelId": "acme-1", "modelType": "Chat", "name": "Acme 1"}])
    write(client, "UpdateModel", 13, apiKey=PROVIDER + "-new")
    refused = [raw(emu, "CreateModel", body={**CHAT, "apiKey": PROVIDER}),  # the code is taken now
               raw(emu, "CreateModel", body={**CHAT, "modelId": "m2", "apiKey": PROVIDER * 30}),
               raw(emu, "CreateModel", body={**CHAT, "modelId": "m3", "apiKey": [PROVIDER]}),
               raw(emu, "BatchCreateModel", body={"apiKey": PROVIDER, "symbol": "a", "models": []}),
               raw(emu, "UpdateModel", 1, body={"apiKey": PROVIDER, "status": 5})]
    assert all(r.status_code == 400 for r in refused)
    kept = [json.dumps(emu.export_state()), httpx.get(emu.url + "/_emulator/state").text,
            httpx.get(emu.url + "/_emulator/requests").text, json.dumps(catalogue(emu), ensure_ascii=False),
            *(r.text + r.headers.get("x-emulator-reason", "") for r in refused)]
    assert all("TOPSECRET" not in text for text in kept)
    assert catalogue(emu)[13]["apiKeyPreview"] == "sk-pro****-new" and catalogue(emu)[14]["apiKeyPreview"] == \
        "sk-pro****atch"
    assert "sk-pro****0042" in kept[0]  # the state document keeps the preview only


@pytest.mark.parametrize("fields, code, field, says", [
    ({"modelId": "qwen-plus"}, "InvalidParameter", "modelId", "'qwen-plus' is the code of model 1 already"),
    ({"modelType": "LLM"}, "InvalidParameter", "modelType", "must be one of Chat"),
    ({"maxInputLength": "8k"}, "InvalidParameter", "maxInputLength", "written as digits"),
    ({"name": "x" * 129}, "InvalidParameter", "name", "at most 128"),
    ({"modelId": None}, "MissingParameter", "modelId", ""),
    ({"modelType": None}, "MissingParameter", "modelType", ""),
], ids=["code-taken", "type", "length", "long-name", "no-code", "no-type"])
def test_create_model_refused(emu: Emulator, fields: dict[str, Any], code: str, field: str, says: str) -> None:
    sent = {k: v for k, v in {**CHAT, **fields}.items() if v is not None}
    refuse(emu, emu.client("admin"), "CreateModel", code=code, field=field, says=says, **sent)


def test_batch_create_model(emu: Emulator) -> None:
    client = emu.client("admin")
    data = made(client, "BatchCreateModel", apiKey=PROVIDER, symbol="acme", baseUrl="https://acme.example", models=[
        {"modelId": "acme-1", "modelType": "Chat", "name": "Acme 1"},
        {"modelId": "acme-1", "modelType": "Chat", "name": "Acme again"},
        {"modelId": "qwen-max", "modelType": "Chat", "name": "Copy"},
        {"modelId": "acme-e", "modelType": "Embedding", "name": "Acme E", "maxInputLength": "2048"},
        {"modelId": "acme-x", "modelType": "Nope", "name": "Bad"}])
    assert (data["successCount"], data["failCount"]) == (2, 3)
    assert [(m["id"], m["modelCode"], m["symbol"], m["baseUrl"], m["apiKeyPreview"]) for m in data["created"]] == [
        (13, "acme-1", "acme", "https://acme.example", "sk-pro****0042"),
        (14, "acme-e", "acme", "https://acme.example", "sk-pro****0042")]
    assert [(f["modelId"], f["name"], f["errorMsg"].split(":")[0]) for f in data["failures"]] == [
        ("acme-1", "Acme again", "modelId"), ("qwen-max", "Copy", "modelId"), ("acme-x", "Bad", "modelType")]
    assert catalogue(emu)[14]["maxInputLength"] == "2048" and catalogue(emu)[13] == data["created"][0]
    refuse(emu, client, "BatchCreateModel", field="models", says="at least 1", apiKey=PROVIDER, symbol="a", models=[])
    refuse(emu, client, "BatchCreateModel", code="MissingParameter", field="models.0.name", apiKey=PROVIDER,
           symbol="a", models=[{"modelId": "z", "modelType": "Chat"}])


def test_update_model(emu: Emulator) -> None:
    client = emu.client("admin")
    emu.clock.advance(30)
    got = made(client, "UpdateModel", 1, name="Plus", modelType="ChatMultimodal", description="new", tags="a,b",
               maxOutputLength="16384")
    assert (got["name"], got["modelType"], got["description"], got["tags"], got["maxOutputLength"]) == (
        "Plus", "ChatMultimodal", "new", "a,b", "16384")
    assert got["gmtModified"] == utc(NOW + 30) and got["gmtCreate"] == "2024-01-01T00:00:00Z"
    assert catalogue(emu)[1] == got
    rows = ok(get(emu, "QueryBillingCostBreakdown", startTime=D0 + 10 * HOUR, endTime=D0 + 11 * HOUR,
                  granularity="hourly", clientId=2, apiKeyId=5104, modelId=1))["data"]["rows"]
    assert [(r["modelName"], r["modelType"]) for r in rows] == [("Plus", "ChatMultimodal")]
    refuse(emu, client, "UpdateModel", 1, field="modelType", says="it can become Chat, ChatMultimodal",
           modelType="TTS")
    refuse(emu, client, "UpdateModel", 1, field="modelId", says="is the code of model 2 already", modelId="qwen-max")
    refuse(emu, client, "UpdateModel", 99, field="id", says="no model has id 99", name="x")
    refuse(emu, client, "UpdateModel", 1, field="status", says="less than or equal to 1", status=2)


def test_delete_model(emu: Emulator) -> None:
    client = emu.client("admin")
    model = made(client, "CreateModel", **CHAT)["id"]
    gid = made(client, "CreateModelGroup", name="含新模型", modelList=[model])["groupId"]
    refuse(emu, client, "DeleteModel", model, field="id", says=f"model {model} is in model group {gid}")
    write(client, "UpdateModelGroup", gid, name="含新模型", modelList=[1])
    write(client, "SetMemberAuthorization", 2, 1002, allowedModels=str(model))
    refuse(emu, client, "DeleteModel", model, field="id", says=f"member 1002 is authorized for model {model}")
    write(client, "ResetMemberAuthorization", 2, 1002)
    assert write(client, "DeleteModel", model).data is True
    assert model not in catalogue(emu)
    refuse(emu, client, "QueryModel", model, field="id", says=f"no model has id {model}")
    refuse(emu, client, "DeleteModel", model, field="id", says=f"no model has id {model}")
    refuse(emu, client, "CreateModelGroup", field="modelList", says=f"no model has id {model}", name="x",
           modelList=[model])
    assert made(client, "CreateModel", **CHAT)["id"] == model + 1  # its code is free again, its id is not


@pytest.mark.parametrize("model, says", [(1, "model 1 is in model group mg_chat"),
                                         (7, "department 3 is authorized for model 7")])
def test_delete_model_in_use_refused(emu: Emulator, model: int, says: str) -> None:
    refuse(emu, emu.client("admin"), "DeleteModel", model, field="id", says=says)


def test_save_flow_config(emu: Emulator) -> None:
    client = emu.client("admin")
    first = made(client, "SaveFlowConfig", modelId=2, rpm=60)
    assert first == {"gmtCreate": NOW_UTC, "gmtModified": NOW_UTC, "id": 1, "modelId": 2, "rpm": 60,
                     "smoothFlowEnabled": False, "tpm": 0}
    emu.clock.advance(120)
    again = made(client, "SaveFlowConfig", modelId=2, tpm=1000, smoothFlowEnabled=True)
    assert again == {**first, "gmtModified": utc(NOW + 120), "tpm": 1000, "smoothFlowEnabled": True}  # rpm kept
    assert made(client, "SaveFlowConfig", modelId=3)["id"] == 2
    refuse(emu, client, "SaveFlowConfig", field="modelId", says="no model has id 99", modelId=99, rpm=1)
    refuse(emu, client, "SaveFlowConfig", field="rpm", says="greater than or equal to 0", modelId=1, rpm=-1)
    refuse(emu, client, "SaveFlowConfig", code="MissingParameter", field="modelId", rpm=1)
