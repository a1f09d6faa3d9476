"""Shared helpers for the billing-family tests: the actions' paths, raw calls (unsigned = the
default admin account, or signed as any account by tests/signer.py), and `values` decoding in
integers of 0.0001 元 under either values encoding."""

from __future__ import annotations

import json
from typing import Any

import httpx
from alibabacloud_aicontent20240611 import models
from helpers import DAY, MARCH_1
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
