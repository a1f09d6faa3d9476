"""Bodies as bytes: one renderer per shape (success, gateway error, product error), CONTRACT §3–4.

Framework-free so the same bytes come out of the ASGI app, the tests and the benchmarks.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.domain.query import Page, values_of
from emulator.errors import ApiError

CONTENT_TYPE = "application/json;charset=utf-8"
RECOMMEND = "https://api.aliyun.com/troubleshoot?q={code}&product=AiContent&requestId={rid}"


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def gateway_error(err: ApiError, request_id: str, host_id: str) -> bytes:
    return dumps({
        "RequestId": request_id,
        "HostId": host_id,
        "Code": err.code,
        "Message": err.message,
        "Recommend": RECOMMEND.format(code=err.code, rid=request_id),
    })


def product_error(err: ApiError, request_id: str) -> bytes:
    """The service's own body [doc], plus Code/Message/RequestId that the SDKs raise with [choice]."""
    return dumps({
        "requestId": request_id,
        "success": False,
        "errCode": err.code,
        "errMessage": err.message,
        "httpStatusCode": err.status,
        "data": None,
        "Code": err.code,
        "Message": err.message,
        "RequestId": request_id,
    })


def error(err: ApiError, request_id: str, host_id: str) -> bytes:
    return gateway_error(err, request_id, host_id) if err.shape == "gateway" else product_error(err, request_id)


def row_values(page: Page, ts: int, figures: tuple[int, ...], double: bool) -> str:
    values: dict[str, Any] = values_of(page.model, figures)
    values["timestamp"] = ts
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(text, ensure_ascii=False) if double else text


def success(page: Page, request_id: str, legacy_page: int, legacy_size: int, size: int,
            next_token: str, double_encoded: bool) -> bytes:
    return dumps({
        "requestId": request_id,
        "success": True,
        "httpStatusCode": 200,
        "data": {
            "modelId": page.model.id,
            "modelName": page.model.name,
            "granularity": page.timeline.granularity,
            "total": page.timeline.total,
            "page": legacy_page,
            "pageSize": legacy_size,
            "columns": [c.as_dict() for c in page.model.type.columns],
            "rows": [{"timestamp": ts, "values": row_values(page, ts, f, double_encoded)} for ts, f in page.rows],
        },
        "maxResults": size,
        "nextToken": next_token,
    })
