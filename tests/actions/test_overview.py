"""ModelRouterQueryCostOverviewMetrics (GET billing/cost/overview): the totals of a span as
metrics, through the SDK and on the wire, and its validation rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from family_helpers import (
    COST,
    USAGE_KEYS,
    call,
    is_int,
    ok,
    own_invalid,
    refused,
    sdk,
    sdk_invalid,
)
from helpers import DAY, MARCH_1
from kit import assert_invalid

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}
SDK_SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + 2 * DAY}  # family_helpers.sdk's span


def tokened_calls(url: str, span: dict[str, int]) -> int:
    """The calls of the span's models that have tokens (text and embedding): avg_tokens' denominator."""
    rows = ok(call(url, "models", {**span, "maxResults": 100}))["data"]["rows"]
    values = [(r["modelId"], json.loads(r["values"])) for r in rows]
    return sum(v["total_calls"] for m, v in values if "total_tokens" in v and m in range(1, 8))


def test_overview_fields(aicontent_client: Any, aicontent_emulator: Emulator) -> None:
    body = sdk(aicontent_client, "overview")
    keys = [m.key for m in body.data]
    at = USAGE_KEYS.index("total_tokens") + 1  # avg_tokens right after total_tokens
    assert keys == USAGE_KEYS[:at] + ["avg_tokens"] + USAGE_KEYS[at:] + ["model_count", "total_amount"]
    assert all(isinstance(m, models.MetricValueDTO) for m in body.data)
    by_key = {m.key: m for m in body.data}
    count = by_key["model_count"]
    assert (count.label, count.unit, count.value) == ("模型数", "个", 12)
    assert (by_key["total_amount"].label, by_key["total_amount"].unit) == ("消费金额", "元")
    assert (by_key["total_calls"].label, by_key["total_calls"].unit) == ("调用次数", "次")
    assert by_key["total_tokens"].value == by_key["input_tokens"].value + by_key["output_tokens"].value
    assert isinstance(by_key["total_amount"].value, float) and by_key["total_amount"].value > 0
    avg = by_key["avg_tokens"]
    assert (avg.label, avg.unit) == ("平均Token数", "Token")
    assert abs(avg.value - by_key["total_tokens"].value / tokened_calls(aicontent_emulator.url, SDK_SPAN)) <= 0.005
    assert avg.value > by_key["total_tokens"].value / by_key["total_calls"].value  # not over every call
    assert body.max_results == 11 and body.next_token == ""


def test_overview_types(aicontent_emulator: Emulator) -> None:
    data = ok(call(aicontent_emulator.url, "overview", SPAN))["data"]
    for item in data:
        assert list(item) == ["key", "label", "unit", "value"]
        assert all(isinstance(item[k], str) for k in ("key", "label", "unit"))
        if item["key"] == "total_amount":
            assert isinstance(item["value"], float)
        elif item["key"] == "avg_tokens":  # a ratio: a number of at most 2 decimals (its JSON text may be whole)
            assert isinstance(item["value"], (int, float)) and not isinstance(item["value"], bool)
            assert round(item["value"], 2) == item["value"] and item["value"] > 0
            figures = {i["key"]: i["value"] for i in data}
            assert abs(item["value"] - figures["total_tokens"] / tokened_calls(aicontent_emulator.url, SPAN)) \
                <= 0.005
        else:
            assert is_int(item["value"]), item


# -- validation rows: its own (raw), and through the SDK ----------------------------------------
OWN_CASES = own_invalid("overview")


@pytest.mark.parametrize("action, change, name, reason", OWN_CASES,
                         ids=[f"{a}-{n}:{r[:24]}:{str(list(c.values())[0])[:12]}" for a, c, n, r in OWN_CASES])
def test_own_cases(aicontent_emulator: Emulator, action: str, change: dict, name: str, reason: str) -> None:
    base = SPAN if action in COST else {}
    assert_invalid(call(aicontent_emulator.url, action, {**base, **change}), name, reason)


SDK_CASES = sdk_invalid("overview")


@pytest.mark.parametrize("name, kw, wire, reason", SDK_CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:20]}" for c in SDK_CASES])
def test_invalid_parameter(aicontent_client: Any, name: str, kw: dict, wire: str, reason: str) -> None:
    err = refused(aicontent_client, name, **kw)
    assert (err.code, err.status_code) == ("InvalidParameter", 400)
    message = err.data["Message"]
    assert message.startswith(f'The parameter "{wire}" is invalid: ') and reason in message, message
