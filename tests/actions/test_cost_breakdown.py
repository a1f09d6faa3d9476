"""ModelRouterQueryBillingCostBreakdown (GET billing/cost/breakdown): one row per bucket × model ×
API key, through the SDK and on the wire; the model set's columns; tiers; both paging styles,
tokens bound to their query, a page past the end, `total` under both empty_buckets forms and a
year of hourly rows; the validation rows of both breakdowns; RAM account by account and the
department scope. The sums against the billing family are tests/properties/test_chargeback_properties.py."""

from __future__ import annotations

import time
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import (
    DENIED,
    HOUR,
    KEYS,
    METRICS,
    SPAN,
    assert_sdk_answer,
    body,
    check_ram,
    decode,
    get,
    invalid,
    minor,
    ok,
    refused,
    rows,
    selected_keys,
)
from family_helpers import WIRE_TYPE
from helpers import DAY, MARCH_1, SHARED_INVALID
from kit import assert_error

from emulator.server import Emulator

NAME = "QueryBillingCostBreakdown"
HOURLY = {**SPAN, "granularity": "hourly"}
ORDER = ["granularity", "page", "pageSize", "columns", "rows", "total"]
ROW = ["apiKeyId", "apiKeyName", "clientId", "clientName", "memberUserId", "memberUserName", "modelCode", "modelId",
       "modelName", "billingType", "dimValues", "modelSymbol", "modelType", "modelVersion", "payableAmount",
       "summaryTime", "tiers", "values"]


def order_key(r: dict[str, Any]) -> tuple[int, int, int]:
    return r["summaryTime"], r["modelId"], r["apiKeyId"]


def test_through_the_sdk(aicontent_emulator: Emulator) -> None:
    client = aicontent_emulator.client("admin")
    got = body(client, NAME, **HOURLY, modelId=2, pageSize=30)
    assert isinstance(got.data, models.BillingCostBreakdownRespDTO)
    data = got.data
    assert (data.granularity, data.page, data.page_size, data.total) == ("hourly", 1, 30, 24 * 11)
    assert got.max_results == 30 and got.next_token
    assert [c.key for c in data.columns] == list(METRICS[2])
    assert all(isinstance(c, models.MetricDefRespDTO) and c.label and c.unit for c in data.columns)
    users = {u.id: u.name for u in body(client, "QueryUserList", pageSize=100).data.list}
    for row in data.rows:
        assert isinstance(row, models.BillingCostBreakdownRowDTO)
        assert (row.model_id, row.model_code, row.model_name, row.model_type) == (2, "qwen-max", "通义千问-Max", "Chat")
        assert (row.billing_type, row.dim_values, row.model_symbol, row.model_version) == ("total_amount", "{}",
                                                                                           "qwen", 1)
        values = decode(row.values)
        assert list(values) == list(METRICS[2]) and minor(values["total_amount"]) == minor(row.payable_amount)
        assert values["total_tokens"] == values["input_tokens"] + values["output_tokens"]
        assert [t.dim_values for t in row.tiers] == ['{"context_tier":"0-32k"}', '{"context_tier":"32k+"}']
        assert all(isinstance(t, models.BillingBillTierDTO) for t in row.tiers)
        department, member = KEYS[row.api_key_id]  # the fixture's: 0 and "" for a department's own key
        assert (row.client_id, row.member_user_id) == (department, member or 0)
        assert row.member_user_name == users.get(member, "") and (row.member_user_name == "") == (member is None)
    assert [r.summary_time for r in data.rows] == [MARCH_1] * 11 + [MARCH_1 + HOUR] * 11 + [MARCH_1 + 2 * HOUR] * 8
    assert [r.api_key_id for r in data.rows[:11]] == selected_keys("admin", {})
    first = data.rows[1]
    assert (first.api_key_id, first.api_key_name, first.client_id, first.client_name) == (5101, "key-5101", 2,
                                                                                          "研发中心")
    assert any(r.payable_amount > 0 for r in data.rows)


@pytest.mark.parametrize("query", [
    HOURLY, {**SPAN, "granularity": "daily"}, {**HOURLY, "modelTypes": "Chat,TTS", "maxResults": 50},
    {**HOURLY, "modelId": 2, "clientId": 2, "memberUserIds": ""}, {**SPAN, "granularity": "daily", "pageSize": 500}],
    ids=["hourly", "daily", "types-token", "tiered-department-keys", "daily-500"])
@pytest.mark.parametrize("forms", [{}, {"values_encoding": "double", "empty_buckets": "omit"}], ids=["zero", "omit"])
def test_wire_shape_is_the_sdks(aicontent_emulator: Emulator, query: dict[str, Any], forms: dict[str, str]) -> None:
    aicontent_emulator.set_forms(**forms)
    raw = assert_sdk_answer(get(aicontent_emulator, NAME, **query), NAME)
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data", "maxResults", "nextToken"]
    data = raw["data"]
    assert list(data) == ORDER and data["granularity"] == query["granularity"] and data["rows"]
    double = bool(forms)
    for row in data["rows"]:
        assert list(row) == ROW and isinstance(row["payableAmount"], float)
        assert WIRE_TYPE[row["modelId"]] == row["modelType"] and list(decode(row["values"], double)) == list(
            METRICS[row["modelId"]])
        for tier in row["tiers"]:
            assert list(tier) == ["dimValues", "payableAmount", "values"] and decode(tier["values"], double)
    assert [order_key(r) for r in data["rows"]] == sorted(order_key(r) for r in data["rows"])


@pytest.mark.parametrize("query, keys", [
    ({}, ["total_calls", "input_tokens", "output_tokens", "total_tokens", "image_count", "video_duration",
          "asr_duration", "characters", "total_amount"]),
    ({"modelTypes": "TTS"}, ["total_calls", "characters", "total_amount"]),
    ({"modelId": 7}, list(METRICS[7])), ({"modelTypes": "ImageGeneration,ASR"},
                                         ["total_calls", "image_count", "asr_duration", "total_amount"]),
    ({"modelTypes": "NoSuchType"}, ["total_calls", "total_amount"])])
def test_columns_are_the_model_sets_metrics(aicontent_emulator: Emulator, query: dict[str, Any],
                                            keys: list[str]) -> None:
    data = ok(get(aicontent_emulator, NAME, **HOURLY, **query, pageSize=1))["data"]
    assert [c["key"] for c in data["columns"]] == keys
    assert {r["modelId"] for r in data["rows"]} <= {m for m, t in WIRE_TYPE.items()
                                                    if "modelTypes" not in query or t in query["modelTypes"]}
    if query.get("modelTypes") == "NoSuchType":
        assert data["rows"] == [] and data["total"] == 0


def test_tiers_of_a_tiered_model_and_of_a_flat_one(aicontent_emulator: Emulator) -> None:
    for row in rows(aicontent_emulator, NAME, **HOURLY, modelTypes="Chat", clientId=2):
        values = decode(row["values"])
        if row["modelId"] != 2:
            assert row["tiers"] == []
            continue
        tiers = [decode(t["values"]) for t in row["tiers"]]
        assert all(list(t) == ["input_tokens", "output_tokens"] for t in tiers)
        assert sum(t["input_tokens"] for t in tiers) == values["input_tokens"]
        assert sum(t["output_tokens"] for t in tiers) == values["output_tokens"]
        assert sum(minor(t["payableAmount"]) for t in row["tiers"]) == minor(row["payableAmount"])


# -- paging ----------------------------------------------------------------------------------
def test_both_paging_styles_walk_the_same_rows(aicontent_emulator: Emulator) -> None:
    emu, q = aicontent_emulator, {**HOURLY, "endTime": MARCH_1 + 3 * HOUR, "modelTypes": "Chat"}
    legacy = rows(emu, NAME, **q)
    assert len(legacy) == 3 * 5 * 11
    walked, token, pages = [], None, 0
    while True:
        raw = ok(get(emu, NAME, **q, maxResults=40, nextToken=token))
        assert raw["maxResults"] == 40 and raw["data"]["pageSize"] == 40 and raw["data"]["page"] == pages + 1
        walked += raw["data"]["rows"]
        token, pages = raw["nextToken"], pages + 1
        if not token:
            break
    assert walked == legacy and pages == 5
    sized = [ok(get(emu, NAME, **q, pageSize=7, page=p))["data"] for p in (1, 2, 24)]
    assert [len(d["rows"]) for d in sized] == [7, 7, 4] and [d["page"] for d in sized] == [1, 2, 24]
    assert sized[1]["rows"] == legacy[7:14] and sized[2]["rows"] == legacy[161:]
    default = ok(get(emu, NAME, **q))
    assert default["data"]["pageSize"] == 20 and default["data"]["rows"] == legacy[:20] and default["nextToken"]


def test_a_page_past_the_end(aicontent_emulator: Emulator) -> None:
    raw = ok(get(aicontent_emulator, NAME, **SPAN, granularity="daily", pageSize=500, page=9))
    assert raw["data"]["rows"] == [] and raw["data"]["total"] == 132 and raw["data"]["page"] == 9
    assert raw["nextToken"] == ""


@pytest.mark.parametrize("change", [{"granularity": "daily"}, {"endTime": MARCH_1 + 2 * DAY}, {"clientId": 2},
                                    {"modelId": 1}, {"memberUserIds": "1001"}], ids=str)
def test_tokens_are_refused_across_queries(aicontent_emulator: Emulator, change: dict[str, Any]) -> None:
    token = ok(get(aicontent_emulator, NAME, **HOURLY, maxResults=5))["nextToken"]
    assert ok(get(aicontent_emulator, NAME, **HOURLY, maxResults=5, nextToken=token))["data"]["page"] == 2
    invalid(get(aicontent_emulator, NAME, **{**HOURLY, **change}, maxResults=5, nextToken=token), "nextToken",
            "different query")
    invalid(get(aicontent_emulator, "QueryUsageBreakdown", **HOURLY, maxResults=5, nextToken=token), "nextToken",
            "different query")
    scoped = ok(get(aicontent_emulator, NAME, account="dept-scoped", **HOURLY, maxResults=5))["nextToken"]
    invalid(get(aicontent_emulator, NAME, **HOURLY, maxResults=5, nextToken=scoped), "nextToken", "different query")


def test_total_is_every_combination_under_zero_and_the_rows_with_usage_under_omit(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    emu.clock.set(MARCH_1 + 10 * HOUR, lag_minutes=0)  # the hours after ten o'clock have no usage
    q = {**HOURLY, "modelTypes": "Chat,ImageGeneration,TTS"}
    zero = rows(emu, NAME, **q)
    assert len(zero) == 24 * 7 * 11 == ok(get(emu, NAME, **q, pageSize=1))["data"]["total"]
    used = [r for r in zero if any(decode(r["values"]).values())]
    assert 0 < len(used) < len(zero) and all(r["summaryTime"] < MARCH_1 + 10 * HOUR for r in used)
    emu.set_forms(empty_buckets="omit")
    assert ok(get(emu, NAME, **q, pageSize=1))["data"]["total"] == len(used)
    assert rows(emu, NAME, **q) == used


def test_a_year_of_hourly_rows_pages_like_a_day(aicontent_emulator: Emulator) -> None:
    q = {"startTime": MARCH_1, "endTime": MARCH_1 + 366 * DAY, "granularity": "hourly", "pageSize": 500}
    started = time.perf_counter()
    data = ok(get(aicontent_emulator, NAME, **q, page=1000))["data"]
    assert time.perf_counter() - started < 2
    assert data["total"] == 366 * 24 * 12 * 11 and len(data["rows"]) == 500 and data["page"] == 1000
    first = 999 * 500
    stamps = [MARCH_1 + (i // 132) * HOUR for i in range(first, first + 500)]
    assert [r["summaryTime"] for r in data["rows"]] == stamps
    assert [order_key(r) for r in data["rows"]] == sorted(order_key(r) for r in data["rows"])
    hour = stamps[0]  # the same rows as a breakdown of those hours alone
    alone = rows(aicontent_emulator, NAME, startTime=hour, endTime=stamps[-1] + HOUR, granularity="hourly")
    assert data["rows"] == alone[first % 132: first % 132 + 500]


# -- validation --------------------------------------------------------------------------------
SHARED = [(c, n, r) for c, n, r in SHARED_INVALID if n != "maxResults"]
OWN = [
    ({"granularity": "weekly"}, "granularity", 'must be one of hourly, daily, got "weekly"'),
    ({"granularity": ""}, "granularity", "must be one of hourly, daily"),
    ({"pageSize": "501"}, "pageSize", "between 1 and 500"), ({"pageSize": "0"}, "pageSize", "between 1 and 500"),
    ({"maxResults": "501"}, "maxResults", "between 1 and 500"), ({"page": "0"}, "page", "between 1 and 2147483647"),
    ({"pageSize": "x"}, "pageSize", "base-10 integer"),
]
MODELS_ONLY = [({"modelId": "99"}, "modelId", "no model has id 99"), ({"modelId": "x"}, "modelId", "base-10 integer"),
               ({"modelId": "0"}, "modelId", "positive model id"),
               ({"modelTypes": "Chat,,TTS"}, "modelTypes", "must list model types"),
               ({"modelTypes": "chat,LLM"}, "modelTypes", "more than once")]
CASES = [(n, *c) for n in (NAME, "QueryUsageBreakdown") for c in SHARED + OWN] + [(NAME, *c) for c in MODELS_ONLY]


@pytest.mark.parametrize("name, change, param, reason", CASES,
                         ids=[f"{n[5:10]}-{p}:{r[:20]}:{str(list(c.values())[0])[:8]}" for n, c, p, r in CASES])
def test_invalid_parameters(aicontent_emulator: Emulator, name: str, change: dict[str, Any], param: str,
                            reason: str) -> None:
    invalid(get(aicontent_emulator, name, **{**HOURLY, **change}), param, reason)


@pytest.mark.parametrize("name", [NAME, "QueryUsageBreakdown"])
def test_granularity_and_the_span_are_required(aicontent_emulator: Emulator, name: str) -> None:
    for missing in ("granularity", "startTime", "endTime"):
        r = get(aicontent_emulator, name, **{k: v for k, v in HOURLY.items() if k != missing})
        err = assert_error(r, 400, "MissingParameter", f'"{missing}"', gateway=True, in_message=True)
        assert err["Message"] == f'The input parameter "{missing}" that is mandatory for processing this request ' \
                                 "is not supplied."
    client = aicontent_emulator.client("admin")
    err = refused(client, name, **SPAN)
    assert (err.code, err.status_code) == ("MissingParameter", 400) and '"granularity"' in err.message
    err = refused(client, name, **HOURLY, pageSize=501)
    assert (err.code, err.status_code) == ("InvalidParameter", 400) and '"pageSize"' in err.message


# -- RAM and scope -----------------------------------------------------------------------------
def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    check_ram(aicontent_emulator, NAME, **HOURLY, pageSize=5)
    r = get(aicontent_emulator, NAME, account="denied", **HOURLY, clientId=999)  # the policy is judged first
    assert_error(r, 403, DENIED, "no Allow")
    r = get(aicontent_emulator, NAME, account="explicit-deny", **HOURLY)
    assert_error(r, 403, DENIED, "an explicit Deny", "ModelRouterQueryBillingCostBreakdown")


def test_department_scope(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    mine = rows(emu, NAME, account="dept-scoped", **HOURLY, modelId=1)
    assert sorted({r["apiKeyId"] for r in mine}) == [5101, 5102, 5103, 5104, 5105]
    assert {r["clientId"] for r in mine} == {2}
    assert mine == rows(emu, NAME, **HOURLY, modelId=1, clientId=2)
    for q in ({"clientId": 3}, {"clientIds": "2,3"}, {"clientId": 4}, {"clientId": 3, "apiKeyId": 5201}):
        assert_error(get(emu, NAME, account="dept-scoped", **HOURLY, **q), 403, DENIED, "outside the scope")
    invalid(get(emu, NAME, account="dept-scoped", **HOURLY, clientId=999), "clientId", "no department has id 999")
    invalid(get(emu, NAME, account="dept-scoped", **HOURLY, clientId=2, apiKeyId=5201), "apiKeyId", "5201")
    r = get(emu, NAME, account="dept-scoped", **HOURLY, memberUserIds="1004")  # another department's member
    assert r.status_code in (400, 403) and "rows" not in r.text
    other = rows(emu, NAME, account="other-org-admin", **HOURLY, modelId=1)
    assert sorted({r["apiKeyId"] for r in other}) == [6101, 6102] and {r["clientName"] for r in other} == {"运营部"}
    invalid(get(emu, NAME, account="other-org-admin", **HOURLY, clientId=2), "clientId", "no department has id 2")
