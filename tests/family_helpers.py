"""Shared helpers for the billing-family tests: the actions' paths, raw calls (unsigned = the
default admin account, or signed as any account by tests/signer.py), SDK calls and refusals,
`values` decoding in integers of 0.0001 元 under either values encoding, and the validation rows
each action's file runs (OWN_INVALID raw, SDK_INVALID through the SDK)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from helpers import DAY, MARCH_1, SHARED_INVALID
from signer import acs3_headers, url

PREFIX = "/api/v1/modelRouter/open/"
ACTIONS = {  # short name → (action, path)
    "detail": ("ModelRouterQueryCostModelDetail", PREFIX + "billing/cost/model-detail"),
    "overview": ("ModelRouterQueryCostOverviewMetrics", PREFIX + "billing/cost/overview"),
    "trend": ("ModelRouterQueryCostTrendMetrics", PREFIX + "billing/cost/trend"),
    "models": ("ModelRouterQueryCostModelList", PREFIX + "billing/cost/models"),
    "tabs": ("ModelRouterBillingCostTabs", PREFIX + "billing/cost/tabs"),
    "summary": ("ModelRouterGetBillingBillSummary", PREFIX + "billing/bills/summary"),
    "tree": ("ModelRouterQueryClientTree", PREFIX + "clients/tree"),
    "catalogue": ("ModelRouterQueryModelList", PREFIX + "models"),
}
NEW = ["overview", "trend", "models", "tabs", "summary", "tree", "catalogue"]
COST = ["overview", "trend", "models", "summary"]  # the actions taking time and filters
WIRE_TYPE = {1: "Chat", 2: "Chat", 3: "Chat", 4: "Chat", 5: "Chat", 6: "ChatMultimodal", 7: "Embedding",
             8: "ImageGeneration", 9: "VideoGeneration", 10: "VideoImageGeneration", 11: "ASR", 12: "TTS"}
JSON = {"accept": "application/json"}
HTTP = httpx.Client(timeout=30)  # one pool for every test: a new client per request costs ~20 ms


def minor(amount: float) -> int:
    """元 → integer 0.0001 元."""
    return round(amount * 10_000)


def decode(values: str, double: bool = False) -> dict[str, int]:
    """A `values` string → its numbers, total_amount in 0.0001 元 (no timestamp)."""
    out = json.loads(values)
    if double:
        assert isinstance(out, str), values
        out = json.loads(out)
    assert isinstance(out, dict), values
    out.pop("timestamp", None)
    return {k: minor(v) if k == "total_amount" else v for k, v in out.items()}


def call(base: str, name: str, params: dict[str, Any] | None = None, account: Any = None,
         headers: dict[str, str] | None = None) -> httpx.Response:
    """One raw GET of an action: unsigned (the default admin) or signed as `account` (an
    `Emulator.accounts` entry), with Accept: application/json unless `headers` says otherwise."""
    action, path = ACTIONS[name]
    query = {k: str(v) for k, v in (params or {}).items() if v is not None}
    sent = {**JSON, **(headers or {})}
    if account is not None:
        host = base.removeprefix("http://")
        sent.update(acs3_headers("GET", host, path, query, account.access_key_id, account.access_key_secret,
                                 extra={"x-acs-action": action}))
    return HTTP.get(url(base, path, query), headers=sent)


def ok(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def walk(base: str, name: str, params: dict[str, Any], account: Any = None, size: int = 100,
         items: Any = None) -> list[Any]:
    """Every item of a token-paged action, page by page (`items` picks a page's list from data)."""
    pick = items or (lambda data: data)
    out: list[Any] = []
    token = None
    for _ in range(10_000):
        body = ok(call(base, name, {**params, "maxResults": size, "nextToken": token}, account))
        out += pick(body["data"])
        token = body["nextToken"] if "nextToken" in body else body["data"]["nextToken"]  # model list: in data
        if not token:
            return out
    raise AssertionError("the pages never ended")


def detail_rows(base: str, model: int, params: dict[str, Any], account: Any = None,
                double: bool = False) -> list[dict[str, int]]:
    """Model-detail's rows of one model (every page), values decoded, timestamp included."""
    rows = walk(base, "detail", {**params, "modelId": model}, account, items=lambda d: d["rows"])
    return [{"timestamp": r["timestamp"], **decode(r["values"], double)} for r in rows]


# -- the official SDK ----------------------------------------------------------------------
SPAN = {"start_time": MARCH_1, "end_time": MARCH_1 + 2 * DAY}
REQUESTS = {
    "overview": (models.ModelRouterQueryCostOverviewMetricsRequest, "model_router_query_cost_overview_metrics"),
    "trend": (models.ModelRouterQueryCostTrendMetricsRequest, "model_router_query_cost_trend_metrics"),
    "models": (models.ModelRouterQueryCostModelListRequest, "model_router_query_cost_model_list"),
    "tabs": (models.ModelRouterBillingCostTabsRequest, "model_router_billing_cost_tabs"),
    "summary": (models.ModelRouterGetBillingBillSummaryRequest, "model_router_get_billing_bill_summary"),
    "tree": (models.ModelRouterQueryClientTreeRequest, "model_router_query_client_tree"),
    "catalogue": (models.ModelRouterQueryModelListRequest, "model_router_query_model_list"),
}


def sdk(client: Any, name: str, **kw: Any) -> Any:
    request, method = REQUESTS[name]
    if name in COST:
        kw = {**SPAN, **kw}
    resp = getattr(client, method)(request(**kw))
    assert resp.status_code == 200 and resp.body.success is True and resp.body.http_status_code == 200
    assert resp.body.request_id
    return resp.body


# -- what the family's tests share -------------------------------------------------------------
USAGE_KEYS = ["total_calls", "input_tokens", "output_tokens", "total_tokens", "image_count", "video_duration",
              "asr_duration", "characters"]
CODES = {1: "qwen-plus", 2: "qwen-max", 3: "qwen-turbo", 4: "qwen-long", 5: "deepseek-v3", 6: "qwen-vl-plus",
         7: "text-embedding-v3", 8: "wanx2.1-t2i-turbo", 9: "wanx2.1-t2v-turbo", 10: "wanx2.1-i2v-plus",
         11: "paraformer-v2", 12: "cosyvoice-v2"}


def cost_row_ids(client: Any, **kw: Any) -> list[int]:
    return [r.model_id for r in sdk(client, "models", end_time=MARCH_1 + 10 * DAY, **kw).data.rows]


def is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def refused(client: Any, name: str, **kw: Any) -> ClientException:
    request, method = REQUESTS[name]
    if name in COST:
        kw = {**SPAN, **kw}
    with pytest.raises(ClientException) as info:
        getattr(client, method)(request(**kw))
    assert info.value.request_id and info.value.request_id != "None"
    return info.value


# -- validation rows: each action's own (raw), and through the SDK --------------------------
SHARED = SHARED_INVALID  # the time span, filter and token cases model-detail has too
MODEL_TYPES = ["", "Chat,,TTS", ",Chat", "Chat,", "Chat1", "Chat TTS", "Chat;TTS", "x" * 65, "Çhat", "chat,Chat",
               "LLM,chat", "vl,ChatMultimodal"]
OWN_INVALID = [  # (actions, change, name, reason), raw
    *[(COST, {"modelTypes": t}, "modelTypes", "more than once" if i >= 9 else "must list model types like")
      for i, t in enumerate(MODEL_TYPES)],
    *[(["overview", "trend", "models"], {"granularity": g}, "granularity", "must be one of hourly, daily")
      for g in ("weekly", "", "hour", "day")],
    (["trend"], {"granularity": "hourly", "endTime": str(MARCH_1 + 31 * DAY + 1)}, "granularity", "at most 31 days"),
    (["models"], {"search": "x" * 129}, "search", "longer than 128"),
    (["summary"], {"modelId": "999"}, "modelId", "no model has id 999"),
    (["summary"], {"modelId": "0"}, "modelId", "positive model id"),
    (["summary"], {"modelId": "abc"}, "modelId", "base-10 integer"),
    *[(["tabs", "tree", "catalogue"], change, name, reason) for change, name, reason in SHARED[-5:]],
    (["catalogue"], {"pageSize": "0"}, "pageSize", "between 1 and 100"),
    (["catalogue"], {"pageSize": "101"}, "pageSize", "between 1 and 100"),
    (["catalogue"], {"pageIndex": "0"}, "pageIndex", "between 1 and 2147483647"),
    (["catalogue"], {"pageIndex": "2147483648"}, "pageIndex", "between 1 and 2147483647"),
    (["catalogue"], {"status": "x"}, "status", "base-10 integer"),
    (["catalogue"], {"status": "2147483648"}, "status", "between"),
    (["catalogue"], {"orderBy": "price"}, "orderBy", 'must be one of id, name, modelCode, got "price"'),
    (["catalogue"], {"orderBy": ""}, "orderBy", "must be one of"),
    (["catalogue"], {"orderDirection": "up"}, "orderDirection", "must be one of ASC, DESC"),
    (["catalogue"], {"needTotalCount": "yes"}, "needTotalCount", "must be true or false"),
    (["catalogue"], {"needTotalCount": "1"}, "needTotalCount", "must be true or false"),
    (["catalogue"], {"keyword": "k" * 129}, "keyword", "longer than 128"),
    (["catalogue"], {"groupBy": "g" * 65}, "groupBy", "longer than 64"),
    (["catalogue"], {"modelType": "Chat,,TTS"}, "modelType", "must list model types like"),
    (["catalogue"], {"modelType": "chat,LLM"}, "modelType", "more than once"),
]


def own_invalid(action: str) -> list[tuple[str, dict[str, Any], str, str]]:
    """OWN_INVALID's rows of one action: (action, change, parameter, part of the reason)."""
    return [(a, change, name, reason) for actions, change, name, reason in OWN_INVALID for a in actions
            if a == action]


SDK_INVALID = [  # (actions, SDK keywords, wire name, part of the reason), through the SDK
    (COST, {"end_time": MARCH_1}, "endTime", "later than startTime"),
    (COST, {"end_time": MARCH_1 + 367 * DAY}, "endTime", "maximum of 366 days"),
    (COST, {"start_time": MARCH_1 * 1000}, "startTime", "milliseconds"),
    (COST, {"client_id": 2, "client_ids": "3"}, "clientIds", "cannot be combined with clientId"),
    (COST, {"api_key_id": 5101}, "apiKeyId", "requires clientId"),
    (COST, {"api_key_id": 5201, "client_id": 2}, "apiKeyId", "no API key has id 5201"),
    (COST, {"client_id": 999}, "clientId", "no department has id 999"),
    (COST, {"member_user_ids": "424242"}, "memberUserIds", "no member has id 424242"),
    (COST, {"model_types": "Chat,,TTS"}, "modelTypes", "model types"),
    (COST, {"model_types": "chat,Chat"}, "modelTypes", "more than once"),
    (COST, {"next_token": "garbage"}, "nextToken", "malformed"),
    (NEW, {"max_results": 101}, "maxResults", "between 1 and 100"),
    (["overview", "trend", "models"], {"granularity": "weekly"}, "granularity", "must be one of hourly, daily"),
    (["trend"], {"granularity": "hourly", "end_time": MARCH_1 + 32 * DAY}, "granularity", "31 days"),
    (["models"], {"search": "x" * 129}, "search", "longer than 128"),
    (["summary"], {"model_id": 999}, "modelId", "no model has id 999"),
    (["catalogue"], {"page_size": 0}, "pageSize", "between 1 and 100"),
    (["catalogue"], {"page_index": 0}, "pageIndex", "between 1"),
    (["catalogue"], {"order_by": "price"}, "orderBy", "must be one of id, name, modelCode"),
    (["catalogue"], {"order_direction": "up"}, "orderDirection", "must be one of ASC, DESC"),
    (["catalogue"], {"model_type": "Chat TTS"}, "modelType", "model types"),
    (["catalogue"], {"keyword": "k" * 129}, "keyword", "longer than 128"),
]


def sdk_invalid(name: str) -> list[tuple[str, dict[str, Any], str, str]]:
    """SDK_INVALID's rows of one action: (action, SDK keywords, wire name, part of the reason)."""
    return [(n, kw, wire, reason) for names, kw, wire, reason in SDK_INVALID for n in names if n == name]


# -- the product errors' codes and texts ------------------------------------------------------
DENIED, NO_ORG = "B.Permission.DeniedException", "B.Permission.OrgNoExistException"
MESSAGES = {DENIED: "鉴权失败或权限不足", NO_ORG: "组织不存在,请主账号开通权限后再试,或联系管理员"}
