"""The OpenAPI description of the emulated endpoint, merged into the control API's document.

Written by hand because the endpoint is not a FastAPI route (it must never answer with a
framework's 422); kept exact so schema-driven fuzzers can hold the emulator to it.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from emulator.params import MAX_PAGE_SIZE

_INT64 = {"type": "integer", "format": "int64"}
_INT32 = {"type": "integer", "format": "int32"}


def _param(name: str, schema: dict[str, Any], required: bool, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


PARAMETERS = [
    _param("modelId", {**_INT64, "minimum": 1}, True, "The model ID."),
    _param("startTime", {**_INT64, "minimum": 0, "maximum": 10**11 - 1}, True, "Start, Unix seconds."),
    _param("endTime", {**_INT64, "minimum": 1, "maximum": 10**11 - 1}, True,
           "End (exclusive), Unix seconds; later than startTime, at most 366 days after it by default."),
    _param("clientId", {**_INT64, "minimum": 1}, False, "Department ID."),
    _param("clientIds", {"type": "string", "pattern": r"^[0-9]+(,[0-9]+)*$"}, False,
           "Several department IDs, comma-separated; not with clientId."),
    _param("apiKeyId", {**_INT64, "minimum": 1}, False, "API key ID; requires clientId."),
    _param("memberUserIds", {"type": "string", "pattern": r"^([0-9]+(,[0-9]+)*)?$"}, False,
           "Member IDs, comma-separated. Absent: department and all members; empty: department only."),
    _param("page", {**_INT32, "minimum": 1}, False, "Page number (legacy), default 1."),
    _param("pageIndex", {**_INT32, "minimum": 1}, False, "Page number (legacy); takes priority over page."),
    _param("pageSize", {**_INT32, "minimum": 1, "maximum": MAX_PAGE_SIZE}, False, "Page size, default 20."),
    _param("maxResults", {**_INT32, "minimum": 1, "maximum": MAX_PAGE_SIZE}, False,
           "Page size for token pagination (recommended)."),
    _param("nextToken", {"type": "string", "maxLength": 512}, False, "Token from the previous response."),
]

SCHEMAS: dict[str, Any] = {
    "MetricDefRespDTO": {
        "type": "object", "required": ["key", "label", "sortable", "unit"],
        "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                       "sortable": {"type": "boolean"}, "unit": {"type": "string"}},
    },
    "CostModelDetailRowDTO": {
        "type": "object", "required": ["timestamp", "values"],
        "properties": {"timestamp": _INT64,
                       "values": {"type": "string",
                                  "description": "A JSON object: column key → number, plus timestamp."}},
    },
    "CostModelDetailRespDTO": {
        "type": "object",
        "required": ["modelId", "modelName", "granularity", "total", "page", "pageSize", "columns", "rows"],
        "properties": {
            "modelId": _INT64, "modelName": {"type": "string"},
            "granularity": {"type": "string", "enum": ["hourly", "daily"]},
            "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
            "pageSize": {"type": "integer", "minimum": 1},
            "columns": {"type": "array", "items": {"$ref": "#/components/schemas/MetricDefRespDTO"}},
            "rows": {"type": "array", "items": {"$ref": "#/components/schemas/CostModelDetailRowDTO"}},
        },
    },
    "ModelDetailResponse": {
        "type": "object",
        "required": ["requestId", "success", "httpStatusCode", "data", "maxResults", "nextToken"],
        "properties": {
            "requestId": {"type": "string"}, "success": {"type": "boolean", "enum": [True]},
            "httpStatusCode": {"type": "integer", "enum": [200]},
            "data": {"$ref": "#/components/schemas/CostModelDetailRespDTO"},
            "maxResults": {"type": "integer"},
            "nextToken": {"type": "string", "description": "Empty on the last page."},
        },
    },
    "GatewayError": {
        "type": "object", "required": ["RequestId", "HostId", "Code", "Message", "Recommend"],
        "properties": {k: {"type": "string"} for k in ("RequestId", "HostId", "Code", "Message", "Recommend")},
    },
    "ProductError": {
        "type": "object",
        "description": "product_errors=both (default) adds Code, Message and RequestId; documented omits them.",
        "required": ["requestId", "success", "errCode", "errMessage", "httpStatusCode", "data"],
        "properties": {
            "requestId": {"type": "string"}, "success": {"type": "boolean", "enum": [False]},
            "errCode": {"type": "string"}, "errMessage": {"type": "string"},
            "httpStatusCode": {"type": "integer"}, "data": {"nullable": True, "enum": [None]},
            "Code": {"type": "string"}, "Message": {"type": "string"}, "RequestId": {"type": "string"},
        },
    },
}


def _body(ref: str, description: str, xml: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
    if xml:  # gateway errors come as XML unless the request accepts application/json
        content["text/xml;charset=utf-8"] = {"schema": {"type": "string", "description": "<Error>...</Error>"}}
    return {"description": description, "content": content,
            "headers": {"x-acs-request-id": {"schema": {"type": "string"}},
                        "x-emulator-reason": {"schema": {"type": "string"},
                                              "description": "Errors: the emulator's explanation."}}}


OPERATION = {
    "summary": "ModelRouterQueryCostModelDetail: per-model cost, hourly or daily",
    "operationId": "ModelRouterQueryCostModelDetail",
    "tags": ["AiContent (emulated)"],
    "parameters": PARAMETERS,
    "responses": {
        "200": _body("ModelDetailResponse", "A page of rows."),
        "400": _body("GatewayError", "MissingParameter, InvalidParameter, IncompleteSignature, SignatureDoesNotMatch, "
                                     "InvalidTimeStamp.Expired, InvalidTimeStamp.Format, SignatureNonceUsed, "
                                     "InvalidAction, InvalidVersion, Throttling.User (injected only).", xml=True),
        "403": _body("ProductError", "B.Permission.DeniedException or B.Permission.OrgNoExistException."),
        "404": _body("GatewayError", "InvalidAccessKeyId.NotFound or InvalidAction.NotFound.", xml=True),
        "500": _body("ProductError", "Server.Internal.UnknownError (injected only)."),
    },
}


def api_openapi(schema: dict[str, Any], model_ids: list[int], bodies: list[type[BaseModel]]) -> dict[str, Any]:
    """The control API's document with the emulated endpoint, its bodies and the control API's
    body models added; `modelId` lists the models of this instance's catalogue."""
    from emulator.service import API_PATH

    out = copy.deepcopy(schema)
    operation: dict[str, Any] = copy.deepcopy(OPERATION)
    operation["parameters"][0]["schema"]["enum"] = model_ids
    out.setdefault("paths", {})[API_PATH] = {"get": operation}
    schemas = out.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(SCHEMAS)
    for model in bodies:
        doc = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(doc.pop("$defs", {}))
        schemas[model.__name__] = doc
    return out
