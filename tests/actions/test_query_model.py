"""ModelRouterQueryModel (GET models/{id}): one model's ModelDTO, through the SDK and on the wire, the
same as the catalogue's entry (QueryModelList) and agreeing with its billing rule; its validation
rows; RAM account by account (the catalogue is the same for every organisation)."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import DENIED, assert_sdk_answer, body, check_ram, get, invalid, ok, refused
from family_helpers import CODES, WIRE_TYPE
from helpers import DEFAULT_FIXTURE
from kit import assert_error

from emulator.server import Emulator

NAME = "QueryModel"
FIXTURE_MODELS = {m["id"]: m for m in DEFAULT_FIXTURE["models"]}
IN_OUT = {"text": "text-text", "embedding": "text-vector", "image": "text-image", "video": "text-video",
          "speech_recognition": "audio-text", "speech_synthesis": "text-audio"}
MODEL = ["apiKeyPreview", "baseUrl", "deleteTag", "description", "extensions", "gmtCreate", "gmtModified",
         "hasBillingRule", "id", "inOut", "isCustom", "maxInputLength", "maxOutputLength", "modelCode", "modelType",
         "name", "symbol", "tagNames", "tags", "version"]


def test_through_the_sdk_is_the_catalogues_entry(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    catalogue = {m.id: m.to_map() for m in body(client, "QueryModelList", pageSize=100).data.list}
    rules = {r.id: r for r in body(client, "QueryBillingRuleList", pageSize=100).data.list}
    assert sorted(catalogue) == list(range(1, 13))
    for model_id in catalogue:
        m = body(client, NAME, model_id).data
        assert isinstance(m, models.ModelDTO) and m.to_map() == catalogue[model_id]
        fixture = FIXTURE_MODELS[model_id]
        assert (m.id, m.model_code, m.name, m.model_type) == (model_id, CODES[model_id], fixture["name"],
                                                              WIRE_TYPE[model_id])
        assert (m.in_out, m.has_billing_rule, m.is_custom, m.api_key_preview) == (IN_OUT[fixture["type"]], True,
                                                                                  False, "")
        assert m.description == fixture.get("description", "") and m.tags == fixture.get("tags", "")
        assert m.max_input_length.isdigit() and m.max_output_length.isdigit()
        rule = rules[model_id]
        assert (rule.model_code, rule.model_name, rule.model_type, rule.symbol) == (m.model_code, m.name,
                                                                                   m.model_type, m.symbol)


@pytest.mark.parametrize("model_id", [1, 2, 7, 9, 12])
def test_wire_shape_is_the_sdks(aicontent_emulator: Emulator, model_id: int) -> None:
    raw = assert_sdk_answer(get(aicontent_emulator, NAME, model_id), NAME)
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data"] and list(raw["data"]) == MODEL
    data = raw["data"]
    assert isinstance(data["hasBillingRule"], bool) and isinstance(data["version"], int)
    assert int(data["maxInputLength"]) >= 0 and int(data["maxOutputLength"]) >= 0


CASES = [("x", "base-10 integer"), ("0", "positive model id"), ("-3", "positive model id"),
         ("1.0", "base-10 integer"), ("99", "no model has id 99"), ("9" * 20, "64-bit")]


@pytest.mark.parametrize("path, reason", CASES, ids=[c[0][:6] for c in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, path: str, reason: str) -> None:
    invalid(get(aicontent_emulator, NAME, path), "id", reason)


def test_invalid_through_the_sdk(aicontent_client: Any) -> None:
    err = refused(aicontent_client, NAME, "qwen-plus")
    assert (err.code, err.status_code) == ("InvalidParameter", 400) and '"id"' in err.message
    err = refused(aicontent_client, NAME, 13)
    assert err.code == "InvalidParameter" and "no model has id 13" in err.message


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    check_ram(emu, NAME, 1)
    assert_error(get(emu, NAME, 99, account="denied"), 403, DENIED)  # RAM before existence
    admin = ok(get(emu, NAME, 3))["data"]
    for account in ("dept-scoped", "other-org-admin"):
        assert ok(get(emu, NAME, 3, account=account))["data"] == admin
