"""ModelRouterQueryBillingRuleList (GET billing/rules): one rule per model with the SDK's
pricingConfig for its billing type, checked against the fixture file's prices; its filters, both
paging styles (pageIndex before page), its validation rows and RAM account by account (the
billing Deny refuses it). That the amounts are computed with these prices is a property in
tests/properties/test_chargeback_properties.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import DENIED, assert_sdk_answer, body, check_ram, get, invalid, ok, refused
from family_helpers import CODES, WIRE_TYPE
from helpers import DEFAULT_FIXTURE
from kit import assert_error

from emulator.server import Emulator

NAME = "QueryBillingRuleList"
FIXTURE_MODELS = {m["id"]: m for m in DEFAULT_FIXTURE["models"]}
TYPES = {"text": "token_tiered", "embedding": "token_flat", "image": "per_image", "video": "video_matrix",
         "speech_recognition": "per_duration", "speech_synthesis": "per_character"}
RULE = ["billingType", "deleteTag", "effectiveTime", "expireTime", "gmtCreate", "gmtModified", "id", "modelCode",
        "modelId", "modelName", "modelType", "pricingConfig", "symbol", "version"]


def price(prices: dict[str, Any], metric: str, units: int) -> float:
    """The fixture's price of `metric` for `units` of it (CNY)."""
    p = prices[metric]
    return float(Decimal(p["yuan"]) * units / p["per"])


def expected_config(m: dict[str, Any]) -> dict[str, Any]:
    """The pricingConfig the SDK's forms give the fixture's prices of model `m`."""
    kind, prices = m["type"], m.get("prices", {})
    if kind == "text":
        tiers, low = [], 0
        for t in m.get("tiers") or [{"maxTokens": 0, "prices": prices}]:
            tiers.append({"min_tokens": low, "max_tokens": t["maxTokens"],
                          "input_price": price(t["prices"], "input_tokens", 10**6),
                          "output_price": price(t["prices"], "output_tokens", 10**6)})
            low = t["maxTokens"]
        return {"tiers": tiers}
    if kind == "embedding":
        return {"input_price": price(prices, "input_tokens", 10**6)}
    if kind == "image":
        return {"price_per_image": price(prices, "image_count", 1)}
    if kind == "video":
        second = price(prices, "video_duration", 1)
        return {"tiers": [{"resolution": 720, "has_audio": 0, "price_per_second": second}],
                "default_price_per_second": second}
    metric, units = ("asr_duration", 1) if kind == "speech_recognition" else ("characters", 10_000)
    return {"price_per_unit": price(prices, metric, units)}


def test_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    got = body(client, NAME, pageSize=100)
    assert (got.data.page, got.data.page_size, got.data.total, got.max_results, got.next_token) == (1, 100, 12, 100, "")
    catalogue = {m.id: m for m in body(client, "QueryModelList", pageSize=100).data.list}
    assert [r.id for r in got.data.list] == list(range(1, 13))
    for rule in got.data.list:
        assert isinstance(rule, models.ModelRouterQueryBillingRuleListResponseBodyDataList)
        m = catalogue[rule.id]
        assert (rule.model_id, rule.model_code, rule.model_name, rule.model_type, rule.symbol) == (
            m.id, m.model_code, m.name, m.model_type, m.symbol)
        assert (rule.model_code, rule.model_type) == (CODES[rule.id], WIRE_TYPE[rule.id])
        assert rule.billing_type == TYPES[FIXTURE_MODELS[rule.id]["type"]]
        assert rule.pricing_config == expected_config(FIXTURE_MODELS[rule.id]), rule.id
        assert (rule.version, rule.delete_tag, rule.expire_time) == (1, 0, "")
        assert rule.effective_time <= "2024" and rule.gmt_create == rule.gmt_modified


def test_a_tiered_price_and_a_flat_one(aicontent_emulator: Emulator) -> None:
    rules = {r["id"]: r for r in ok(get(aicontent_emulator, NAME, pageSize=100))["data"]["list"]}
    assert rules[2]["pricingConfig"] == {"tiers": [
        {"min_tokens": 0, "max_tokens": 32000, "input_price": 2.0, "output_price": 8.0},
        {"min_tokens": 32000, "max_tokens": 0, "input_price": 3.0, "output_price": 12.0}]}
    assert rules[1]["pricingConfig"] == {"tiers": [{"min_tokens": 0, "max_tokens": 0, "input_price": 0.8,
                                                    "output_price": 2.0}]}
    assert rules[12]["pricingConfig"] == {"price_per_unit": 2.0} and rules[12]["billingType"] == "per_character"


@pytest.mark.parametrize("query", [{}, {"pageSize": 5, "page": 2}, {"maxResults": 4}, {"modelType": "Chat"}],
                         ids=str)
def test_wire_shape_is_the_sdks(aicontent_emulator: Emulator, query: dict[str, Any]) -> None:
    raw = assert_sdk_answer(get(aicontent_emulator, NAME, **query), NAME)
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data", "maxResults", "nextToken"]
    assert list(raw["data"]) == ["list", "page", "pageSize", "total"] and raw["data"]["list"]
    for rule in raw["data"]["list"]:
        assert list(rule) == RULE and isinstance(rule["pricingConfig"], dict)


@pytest.mark.parametrize("query, ids", [
    ({"modelId": 2}, [2]), ({"modelCode": "text-embedding-v3"}, [7]), ({"modelCode": "nope"}, []),
    ({"modelType": "chat"}, [1, 2, 3, 4, 5]), ({"modelType": "VIDEOGENERATION"}, [9]), ({"modelType": "Rerank"}, []),
    ({"modelType": "Chat", "modelCode": "qwen-max"}, [2]), ({"modelId": 2, "modelCode": "qwen-plus"}, []),
    ({"activeOnly": "true"}, list(range(1, 13))), ({"activeOnly": "False"}, list(range(1, 13)))], ids=str)
def test_filters(aicontent_emulator: Emulator, query: dict[str, Any], ids: list[int]) -> None:
    data = ok(get(aicontent_emulator, NAME, **query))["data"]
    assert [r["id"] for r in data["list"]] == ids and data["total"] == len(ids)


def test_both_paging_styles(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator

    def ids(**q: Any) -> list[int]:
        return [r["id"] for r in ok(get(emu, NAME, **q))["data"]["list"]]

    assert ids(pageSize=5, page=2) == [6, 7, 8, 9, 10] and ids(pageSize=5, pageIndex=3) == [11, 12]
    assert ids(pageSize=5, page=1, pageIndex=3) == [11, 12]  # pageIndex wins
    assert ids(pageSize=5, page=4) == [] and ok(get(emu, NAME, pageSize=5, page=4))["data"]["total"] == 12
    walked, token, pages = [], None, 0
    while True:
        raw = ok(get(emu, NAME, maxResults=5, nextToken=token))
        walked += [r["id"] for r in raw["data"]["list"]]
        pages += 1
        assert raw["data"]["page"] == pages and raw["maxResults"] == 5
        token = raw["nextToken"]
        if not token:
            break
    assert walked == list(range(1, 13)) and pages == 3
    token = ok(get(emu, NAME, maxResults=5))["nextToken"]
    invalid(get(emu, NAME, maxResults=5, modelType="Chat", nextToken=token), "nextToken", "different query")


CASES = [
    ({"pageSize": "101"}, "pageSize", "between 1 and 100"), ({"pageSize": "0"}, "pageSize", "between 1 and 100"),
    ({"maxResults": "101"}, "maxResults", "between 1 and 100"), ({"page": "0"}, "page", "between 1"),
    ({"pageIndex": "x"}, "pageIndex", "base-10 integer"), ({"modelId": "99"}, "modelId", "no model has id 99"),
    ({"modelId": "0"}, "modelId", "positive model id"), ({"modelId": "1.0"}, "modelId", "base-10 integer"),
    ({"activeOnly": "yes"}, "activeOnly", "must be true or false"),
    ({"activeOnly": "1"}, "activeOnly", "true or false"),
    ({"modelCode": "c" * 129}, "modelCode", "longer than 128"),
    ({"modelType": "t" * 65}, "modelType", "longer than 64"),
    ({"nextToken": "garbage"}, "nextToken", "malformed"),
]


@pytest.mark.parametrize("change, name, reason", CASES, ids=[f"{n}:{r[:16]}" for _, n, r in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, change: dict[str, str], name: str, reason: str) -> None:
    invalid(get(aicontent_emulator, NAME, **change), name, reason)


def test_invalid_through_the_sdk(aicontent_client: Any) -> None:
    for fields, wire in (({"pageSize": 101}, "pageSize"), ({"modelId": 99}, "modelId")):
        err = refused(aicontent_client, NAME, **fields)
        assert (err.code, err.status_code) == ("InvalidParameter", 400) and f'"{wire}"' in err.message


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    check_ram(aicontent_emulator, NAME)
    r = get(aicontent_emulator, NAME, account="explicit-deny")
    assert_error(r, 403, DENIED, "an explicit Deny", "ModelRouterQueryBillingRuleList")
    assert_error(get(aicontent_emulator, NAME, account="denied", modelId=99), 403, DENIED)  # RAM before existence
    admin = ok(get(aicontent_emulator, NAME, pageSize=100))["data"]
    for account in ("dept-scoped", "other-org-admin"):  # the catalogue's prices, whoever asks
        assert ok(get(aicontent_emulator, NAME, account=account, pageSize=100))["data"] == admin
