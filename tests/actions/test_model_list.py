"""ModelRouterQueryModelList (GET models): the model catalogue, its filters, orders and
pages, through the SDK and on the wire, and its validation rows."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from family_helpers import (
    CODES,
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


def test_model_list_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "catalogue", need_total_count=True)
    data = body.data
    assert (data.total, data.max_results, data.page, data.page_size) == ("12", "20", 1, 20)
    assert body.max_results == 20 and not hasattr(body, "next_token") and data.next_token == ""
    first = data.list[0]
    assert isinstance(first, models.ModelDTO)
    assert (first.id, first.name, first.model_code, first.model_type, first.symbol) == (
        1, "通义千问-Plus", "qwen-plus", "Chat", "qwen")
    assert isinstance(first.max_input_length, str) and isinstance(first.gmt_create, str)
    assert (first.version, first.delete_tag, first.is_custom, first.has_billing_rule) == (1, 0, False, True)
    assert [m.model_type for m in data.list] == ["Chat"] * 5 + [
        "ChatMultimodal", "Embedding", "ImageGeneration", "VideoGeneration", "VideoImageGeneration", "ASR", "TTS"]
    assert {m.id: m.model_code for m in data.list} == CODES


@pytest.mark.parametrize("kw, ids", [
    ({}, list(range(1, 13))),
    ({"keyword": "QWEN"}, [1, 2, 3, 4, 6]),
    ({"keyword": "qwen-vl"}, [6]),
    ({"keyword": "语音"}, [11, 12]),
    ({"model_type": "Chat"}, [1, 2, 3, 4, 5]),
    ({"model_type": "llm"}, [1, 2, 3, 4, 5]),
    ({"model_type": "chat,TTS"}, [1, 2, 3, 4, 5, 12]),
    ({"model_type": "VL"}, [6]),
    ({"model_type": "ImageGeneration", "keyword": "wanx"}, [8]),
    ({"model_type": "Unknown"}, []),
    ({"status": 1}, list(range(1, 13))),
    ({"status": 0}, []),
    ({"status": 2}, []),
    ({"order_direction": "DESC"}, list(range(12, 0, -1))),
    ({"order_by": "modelCode"}, sorted(CODES, key=CODES.get)),
    ({"order_by": "modelCode", "order_direction": "DESC"}, sorted(CODES, key=CODES.get, reverse=True)),
    ({"order_by": "name", "keyword": "qwen-", "group_by": "modelType"}, [4, 2, 1, 3, 6]),
    ({"order_by": "id", "order_direction": "ASC", "need_total_count": False}, list(range(1, 13))),
])
def test_model_list_filters(aicontent_client: Any, kw: dict, ids: list[int]) -> None:
    data = sdk(aicontent_client, "catalogue", page_size=100, **kw).data
    assert [m.id for m in data.list] == ids and data.total == str(len(ids))
    if "order_by" in kw and kw["order_by"] == "name":
        names = [m.name for m in data.list]
        assert names == sorted(names)


def test_model_list_page_index(aicontent_client: Any) -> None:
    pages = [sdk(aicontent_client, "catalogue", page_index=i, page_size=5).data for i in (1, 2, 3, 4)]
    assert [[m.id for m in p.list] for p in pages] == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12], []]
    assert [(p.page, p.page_size, p.total, p.max_results) for p in pages] == [(i, 5, "12", "5") for i in (1, 2, 3, 4)]
    assert sdk(aicontent_client, "catalogue", page_index=2, page_size=5, order_direction="DESC").data.list[0].id == 7
    token, seen = None, []
    for page in (1, 2, 3):  # the token style numbers its pages too
        data = sdk(aicontent_client, "catalogue", max_results=5, next_token=token).data
        assert (data.page, data.page_size, data.max_results) == (page, 5, "5")
        seen += [m.id for m in data.list]
        token = data.next_token
    assert token == "" and seen == list(range(1, 13))


MODEL_KEYS = ["apiKeyPreview", "baseUrl", "deleteTag", "description", "extensions", "gmtCreate", "gmtModified",
              "hasBillingRule", "id", "inOut", "isCustom", "maxInputLength", "maxOutputLength", "modelCode",
              "modelType", "name", "symbol", "tagNames", "tags", "version"]
MODEL_STRINGS = ["apiKeyPreview", "baseUrl", "description", "extensions", "gmtCreate", "gmtModified", "inOut",
                 "maxInputLength", "maxOutputLength", "modelCode", "modelType", "name", "symbol", "tagNames", "tags"]


def test_model_list_types(aicontent_emulator: Emulator) -> None:
    body = ok(call(aicontent_emulator.url, "catalogue", {"pageSize": 5, "pageIndex": 2}))
    data = body["data"]
    assert list(data) == ["list", "maxResults", "nextToken", "page", "pageSize", "total"]
    assert (data["maxResults"], data["total"], data["page"], data["pageSize"]) == ("5", "12", 2, 5)
    assert isinstance(data["nextToken"], str) and body["maxResults"] == 5
    for model in data["list"]:
        assert list(model) == MODEL_KEYS
        assert all(isinstance(model[k], str) for k in MODEL_STRINGS)
        assert all(is_int(model[k]) for k in ("deleteTag", "id", "version"))
        assert model["hasBillingRule"] is True and model["isCustom"] is False
        assert parse_iso(model["gmtCreate"]) <= parse_iso(model["gmtModified"])
    last = ok(call(aicontent_emulator.url, "catalogue", {"maxResults": 100}))["data"]
    assert (last["total"], last["maxResults"], last["nextToken"], len(last["list"])) == ("12", "100", "", 12)


# -- validation rows: its own (raw), and through the SDK ----------------------------------------
OWN_CASES = own_invalid("catalogue")


@pytest.mark.parametrize("action, change, name, reason", OWN_CASES,
                         ids=[f"{a}-{n}:{r[:24]}:{str(list(c.values())[0])[:12]}" for a, c, n, r in OWN_CASES])
def test_own_cases(aicontent_emulator: Emulator, action: str, change: dict, name: str, reason: str) -> None:
    base = SPAN if action in COST else {}
    assert_invalid(call(aicontent_emulator.url, action, {**base, **change}), name, reason)


SDK_CASES = sdk_invalid("catalogue")


@pytest.mark.parametrize("name, kw, wire, reason", SDK_CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:20]}" for c in SDK_CASES])
def test_invalid_parameter(aicontent_client: Any, name: str, kw: dict, wire: str, reason: str) -> None:
    err = refused(aicontent_client, name, **kw)
    assert (err.code, err.status_code) == ("InvalidParameter", 400)
    message = err.data["Message"]
    assert message.startswith(f'The parameter "{wire}" is invalid: ') and reason in message, message
