"""ModelRouterQueryUsageBreakdown (GET usage/breakdown): the cost breakdown's rows with usage as
`metrics` (non-zero figures only, no amount), through the SDK and on the wire; the model filters
it does not take; paging; RAM account by account (the billing Deny does not reach it) and the
department scope. Its validation rows are run with the cost breakdown's, in test_cost_breakdown.py."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import (
    DENIED,
    HOUR,
    SPAN,
    assert_sdk_answer,
    body,
    check_ram,
    decode,
    get,
    invalid,
    ok,
    rows,
)
from helpers import MARCH_1
from kit import assert_error

from emulator.server import Emulator

NAME = "QueryUsageBreakdown"
HOURLY = {**SPAN, "granularity": "hourly"}
HEAD = ["apiKeyId", "apiKeyName", "clientId", "clientName", "memberUserId", "memberUserName", "modelCode", "modelId",
        "modelName"]


def without_amount(cost_row: dict[str, Any]) -> list[dict[str, Any]]:
    """The usage metrics a cost breakdown row implies: its non-zero values but the amount, in order."""
    return [{"key": k, "value": v} for k, v in decode(cost_row["values"]).items() if k != "total_amount" and v]


def test_through_the_sdk(aicontent_emulator: Emulator) -> None:
    got = body(aicontent_emulator.client("admin"), NAME, **HOURLY, pageSize=50)
    data = got.data
    assert isinstance(data, models.UsageBreakdownRespDTO)
    assert (data.granularity, data.page, data.page_size, data.total) == ("hourly", 1, 50, 24 * 12 * 11)
    assert got.max_results == 50 and got.next_token
    cost = ok(get(aicontent_emulator, "QueryBillingCostBreakdown", **HOURLY, pageSize=50))["data"]["rows"]
    assert len(data.rows) == len(cost) == 50
    for row, c in zip(data.rows, cost):
        assert isinstance(row, models.UsageBreakdownRowDTO)
        assert all(isinstance(m, models.MetricKVPairDTO) for m in row.metrics)
        assert [(m.key, m.value) for m in row.metrics] == [(m["key"], m["value"]) for m in without_amount(c)]
        assert (row.api_key_id, row.model_id, row.summary_time, row.model_type, row.client_name) == (
            c["apiKeyId"], c["modelId"], c["summaryTime"], c["modelType"], c["clientName"])
    assert any(row.metrics for row in data.rows)


@pytest.mark.parametrize("forms", [{}, {"values_encoding": "double"}, {"empty_buckets": "omit"}], ids=str)
@pytest.mark.parametrize("query", [HOURLY, {**SPAN, "granularity": "daily", "clientIds": "2,3", "maxResults": 100}],
                         ids=["hourly", "daily-token"])
def test_wire_shape_and_the_cost_rows(aicontent_emulator: Emulator, forms: dict[str, str],
                                      query: dict[str, Any]) -> None:
    emu = aicontent_emulator
    emu.clock.set(MARCH_1 + 15 * HOUR, lag_minutes=0)  # later hours: rows without usage
    emu.set_forms(**forms)
    raw = assert_sdk_answer(get(emu, NAME, **query), NAME)
    assert list(raw) == ["requestId", "success", "httpStatusCode", "data", "maxResults", "nextToken"]
    assert list(raw["data"]) == ["granularity", "page", "pageSize", "rows", "total"]
    usage = rows(emu, NAME, **query)
    emu.set_forms(values_encoding="single")
    cost = rows(emu, "QueryBillingCostBreakdown", **query)
    assert len(usage) == len(cost) == raw["data"]["total"] > 0
    for u, c in zip(usage, cost):
        assert list(u) == [*HEAD, "metrics", "modelType", "summaryTime"]
        assert {k: u[k] for k in HEAD} == {k: c[k] for k in HEAD}
        assert (u["modelType"], u["summaryTime"]) == (c["modelType"], c["summaryTime"])
        assert u["metrics"] == without_amount(c)
        assert all(m["value"] != 0 and isinstance(m["value"], int) for m in u["metrics"])
    late = [u for u in usage if u["summaryTime"] >= MARCH_1 + 15 * HOUR]
    assert all(u["metrics"] == [] for u in late) and (late == []) == ("omit" in forms.values() or
                                                                       query["granularity"] == "daily")


def test_it_takes_no_model_filter(aicontent_emulator: Emulator) -> None:
    """The SDK declares neither modelId nor modelTypes here: they are ignored like any unknown parameter."""
    plain = ok(get(aicontent_emulator, NAME, **HOURLY, pageSize=200))["data"]
    for extra in ({"modelId": "99"}, {"modelTypes": "TTS"}, {"modelTypes": "Chat,,x"}):
        assert ok(get(aicontent_emulator, NAME, **HOURLY, pageSize=200, **extra))["data"] == plain
    assert {r["modelId"] for r in plain["rows"]} == set(range(1, 13))  # every model: 132 rows an hour, and more
    assert [r["summaryTime"] for r in plain["rows"]] == [MARCH_1] * 132 + [MARCH_1 + HOUR] * 68


def test_paging_and_tokens(aicontent_emulator: Emulator) -> None:
    emu, q = aicontent_emulator, {**HOURLY, "endTime": MARCH_1 + 2 * HOUR, "clientId": 3}
    every = rows(emu, NAME, **q)
    assert len(every) == 2 * 12 * 3 and {r["clientId"] for r in every} == {3}
    walked, token = [], None
    for _ in range(100):
        raw = ok(get(emu, NAME, **q, maxResults=25, nextToken=token))
        walked += raw["data"]["rows"]
        token = raw["nextToken"]
        if not token:
            break
    assert walked == every
    past = ok(get(emu, NAME, **q, pageSize=100, page=3))
    assert past["data"]["rows"] == [] and past["data"]["total"] == len(every) and past["nextToken"] == ""
    token = ok(get(emu, NAME, **q, maxResults=25))["nextToken"]
    invalid(get(emu, NAME, **{**q, "clientId": 2}, maxResults=25, nextToken=token), "nextToken", "different query")
    invalid(get(emu, NAME, **q, maxResults=25, nextToken="garbage"), "nextToken", "malformed")


def test_ram_account_by_account(aicontent_emulator: Emulator) -> None:
    check_ram(aicontent_emulator, NAME, **HOURLY, pageSize=5)  # explicit-deny: no billing action, allowed
    r = get(aicontent_emulator, NAME, account="denied", **HOURLY)
    assert_error(r, 403, DENIED, "ModelRouterQueryUsageBreakdown")


def test_department_scope(aicontent_emulator: Emulator) -> None:
    emu = aicontent_emulator
    hour = {**HOURLY, "endTime": MARCH_1 + HOUR}
    mine = rows(emu, NAME, account="dept-scoped", **hour)
    assert {r["clientId"] for r in mine} == {2} and len(mine) == 12 * 5
    assert mine == rows(emu, NAME, **hour, clientId=2)
    for q in ({"clientId": 3}, {"clientIds": "2,4"}, {"clientId": 3, "apiKeyId": 5201}):
        assert_error(get(emu, NAME, account="dept-scoped", **HOURLY, **q), 403, DENIED, "outside the scope")
    invalid(get(emu, NAME, account="dept-scoped", **HOURLY, clientId=11), "clientId", "no department has id 11")
    invalid(get(emu, NAME, account="other-org-admin", **HOURLY, clientId=2), "clientId", "no department has id 2")
