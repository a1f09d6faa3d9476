"""JSON-schema building blocks for the actions' answers, as the OpenAPI document shows them."""

from __future__ import annotations

from typing import Any

INT64 = {"type": "integer", "format": "int64"}
STRING = {"type": "string"}
NUMBER = {"type": "number"}
VALUES = {"type": "string", "description": "A JSON object encoded as a string: metric key → number "
                                           "(encoded twice under values_encoding=double)."}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: list[str] | None = None, description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties,
                           "required": list(properties) if required is None else required}
    if description:
        out["description"] = description
    return out


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def envelope(data: dict[str, Any], max_results: bool = True, next_token: bool = True) -> dict[str, Any]:
    """A success body: requestId, success, httpStatusCode, data, then the top-level paging fields."""
    props: dict[str, Any] = {"requestId": STRING, "success": {"type": "boolean", "enum": [True]},
                             "httpStatusCode": {"type": "integer", "enum": [200]}, "data": data}
    if max_results:
        props["maxResults"] = {"type": "integer"}
    if next_token:
        props["nextToken"] = {"type": "string", "description": "Empty on the last page."}
    return obj(props)


METRIC_DEF = obj({"key": STRING, "label": STRING, "sortable": {"type": "boolean"}, "unit": STRING})
COMMON: dict[str, Any] = {
    "MetricDefRespDTO": METRIC_DEF,
    "GatewayError": obj({k: STRING for k in ("RequestId", "HostId", "Code", "Message", "Recommend")}),
    "ProductError": obj(
        {"requestId": STRING, "success": {"type": "boolean", "enum": [False]}, "errCode": STRING,
         "errMessage": STRING, "httpStatusCode": {"type": "integer"}, "data": {"nullable": True, "enum": [None]},
         "Code": STRING, "Message": STRING, "RequestId": STRING},
        required=["requestId", "success", "errCode", "errMessage", "httpStatusCode", "data"],
        description="product_errors=both (default) adds Code, Message and RequestId; documented omits them; "
                    "gateway answers the GatewayError shape instead."),
}


def _sdk_type(kind: str) -> dict[str, Any]:
    if kind.startswith("list[") and kind.endswith("]"):
        return array(_sdk_type(kind[5:-1]))
    simple: dict[str, dict[str, Any]] = {"int": {"type": "integer"}, "float": NUMBER, "str": STRING,
                                         "bool": {"type": "boolean"}, "dict": {"type": "object"}, "any": {}}
    return simple[kind] if kind in simple else ref("Sdk" + kind)


def from_sdk(name: str) -> dict[str, Any]:
    """The JSON schemas of an answer as the SDK declares it (`sdk_shapes`), its DTOs included,
    named Sdk<Name>: every field with the SDK's JSON type, none required (the SDK says nothing of
    that), no field the SDK does not declare; the envelope's own fields required."""
    from emulator.api.sdk_shapes import SHAPES

    out: dict[str, Any] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if "Sdk" + current in out:
            continue
        fields = SHAPES[current]
        props = {f.name: _sdk_type(f.type) for f in fields}
        required = [n for n in ("requestId", "success", "httpStatusCode", "data") if n in props] \
            if current == name else []
        out["Sdk" + current] = {"type": "object", "properties": props, "required": required,
                                "additionalProperties": False}
        for f in fields:
            inner = f.type[5:-1] if f.type.startswith("list[") else f.type
            if inner in SHAPES:
                todo.append(inner)
    return out
