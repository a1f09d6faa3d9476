"""The OpenAPI description of every action of the table (method, path and query parameters, JSON
body; the answers of the emulated ones, 501 for the others), merged into the control API's document.

The actions are not FastAPI routes (they must never answer with a framework's 422), so their
operations are built from their table entries; kept exact so schema-driven fuzzers can hold the
emulator to it.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from emulator.api import bodies
from emulator.api.schemas import COMMON, ref
from emulator.api.spec import Action
from emulator.api.table import ACTIONS


def _body(name: str, description: str, xml: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": ref(name)}}
    if xml:  # gateway errors come as XML unless the request accepts application/json
        content["text/xml;charset=utf-8"] = {"schema": {"type": "string", "description": "<Error>...</Error>"}}
    return {"description": description, "content": content,
            "headers": {"x-acs-request-id": {"schema": {"type": "string"}},
                        "x-emulator-reason": {"schema": {"type": "string"},
                                              "description": "Errors: the emulator's explanation."}}}


def operation(action: Action, model_ids: list[int], schemas: dict[str, Any]) -> dict[str, Any]:
    """One action's operation; the schemas its body needs are added to `schemas`."""
    parameters = []
    for p in action.params:
        schema = p.schema()
        if p.kind == "model":
            schema["enum"] = model_ids  # another id is answered InvalidParameter
        parameters.append({"name": p.name, "in": p.location, "required": p.required or p.location == "path",
                           "schema": schema, "description": p.description})
    denied = ("B.Permission.DeniedException or " if action.ram else "") + "B.Permission.OrgNoExistException."
    bad = ("MissingParameter, InvalidParameter, IncompleteSignature, SignatureDoesNotMatch, "
           "InvalidTimeStamp.Expired, InvalidTimeStamp.Format, SignatureNonceUsed, InvalidAction, InvalidVersion, "
           "Throttling.User (injected only).")
    out: dict[str, Any] = {
        "summary": f"{action.name}: {action.summary}",
        "operationId": action.name,
        "tags": ["AiContent (emulated)" if action.emulated else "AiContent (not emulated yet)"],
        "description": f"Official SDK method `{action.sdk_method}`. RAM action: "
                       + (f"`{action.ram_action}`." if action.ram_action else "none ([doc] no authorization)."),
        "parameters": parameters,
    }
    model = bodies.model_for(action)
    if model is not None or action.any_body:
        body_schema: dict[str, Any] = {"type": "object"}
        if model is not None:
            doc = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(doc.pop("$defs", {}))
            schemas[model.__name__] = doc
            body_schema = ref(model.__name__)
        out["requestBody"] = {"required": False, "content": {"application/json": {"schema": body_schema}}}
    if action.emulated:
        out["responses"] = {
            "200": _body(action.response, "Success."),
            "400": _body("GatewayError", bad, xml=True),
            "403": _body("ProductError", denied),
            "404": _body("GatewayError", "InvalidAccessKeyId.NotFound or InvalidAction.NotFound.", xml=True),
            "500": _body("ProductError", "Server.Internal.UnknownError (injected only)."),
        }
    else:
        out["responses"] = {
            "400": _body("GatewayError", bad, xml=True),
            "404": _body("GatewayError", "InvalidAccessKeyId.NotFound or InvalidAction.NotFound.", xml=True),
            "501": _body("GatewayError", f"NotImplemented: {action.name} is not emulated yet.", xml=True),
        }
    return out


def api_openapi(schema: dict[str, Any], model_ids: list[int], control_bodies: list[type[BaseModel]]
                ) -> dict[str, Any]:
    """The control API's document with every action of the table, their answers and bodies and the
    control API's body models added; `modelId` lists the models of this instance's catalogue."""
    out = copy.deepcopy(schema)
    paths = out.setdefault("paths", {})
    schemas = out.setdefault("components", {}).setdefault("schemas", {})
    for item in paths.values():  # the control API answers a malformed request 400, never 422
        for op in item.values():
            if op.get("responses", {}).pop("422", None) is not None or "requestBody" in op:
                op["responses"]["400"] = _body("GatewayError", "InvalidParameter: a malformed request.")
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.update(COMMON)
    for action in ACTIONS:
        paths.setdefault(action.full_path, {})[action.method.lower()] = operation(action, model_ids, schemas)
        schemas.update(action.schemas)
    for model in control_bodies:
        doc = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(doc.pop("$defs", {}))
        schemas[model.__name__] = doc
    return out
