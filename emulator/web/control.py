"""The control API under `/_emulator/`: never a path the real service has.

One FastAPI app, built on first use (the API path never imports it). Bodies are read within a
size limit and validated by the declared models of the harness (`emulator.harness.bodies`), so
every malformed body gets the same kind of 400 naming the field, and the OpenAPI document shows
their schemas. A bug of ours answers 500 and is kept for the pytest plugin to report.
"""

from __future__ import annotations

import logging
import os
import traceback
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from emulator import __version__, errors, render
from emulator.errors import ApiError
from emulator.harness.bodies import MAX_BODY, from_json, parse_json
from emulator.harness.faults import FaultRuleSpec
from emulator.harness.state_doc import StateDoc
from emulator.service import Service, new_request_id
from emulator.validation import FieldError
from emulator.web.openapi import api_openapi

log = logging.getLogger("emulator")
M = TypeVar("M", bound=BaseModel)
BODY_MODELS: list[type[BaseModel]] = [FaultRuleSpec, StateDoc]  # schemas the OpenAPI document lists
STATE_MAX_BODY = 32 << 20  # a state document may hold 10,000 usage events and many writes


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(render.dumps(obj), status_code=status, media_type=render.CONTENT_TYPE)


def error_response(err: ApiError, host_id: str) -> Response:
    """Control-API errors are the gateway's JSON body: the control API is ours, read by tests."""
    rid = new_request_id()
    headers = {"x-acs-request-id": rid}
    if err.reason:
        headers["x-emulator-reason"] = render.header_text(err.reason)
    return Response(render.gateway_error_json(err, rid, host_id), status_code=err.status,
                    media_type=render.CONTENT_TYPE, headers=headers)


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` for an endpoint whose body is `model` (read by `read_model`, not by FastAPI)."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise FieldError("body", f"is more than the {limit} bytes the control API reads")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_model(request: Request, model: type[M]) -> M:
    """The body as `model`; too large, not JSON or not valid: a FieldError naming the field."""
    return from_json(model, await read_body(request))


def harness_routes(service: Service) -> APIRouter:
    router = APIRouter()

    @router.get("/_emulator/accounts", tags=["control"], summary="The well-known development credentials")
    async def accounts() -> Response:
        return json_response([a.public() for a in service.accounts.accounts])

    @router.post("/_emulator/reset", tags=["control"],
                 summary="Back to the started state: no fault rules, nonces or journal; started settings")
    async def reset() -> Response:
        service.reset()
        return json_response({"reset": True})

    @router.get("/_emulator/errors", tags=["faults"], summary="The error catalogue: every code a fault may inject")
    async def catalogue() -> Response:
        return json_response([{"code": s.code, "status": s.status, "message": s.message, "shape": s.shape}
                              for s in errors.CATALOGUE.values()])

    @router.get("/_emulator/faults", tags=["faults"], summary="The active fault rules")
    async def list_faults() -> Response:
        return json_response([r.public() for r in service.faults.rules()])

    @router.post("/_emulator/faults", tags=["faults"], status_code=201, summary="Add a fault rule",
                 openapi_extra=body_schema(FaultRuleSpec))
    async def add_fault(request: Request) -> Response:
        rule = service.faults.add(await read_model(request, FaultRuleSpec))
        return json_response(rule.public(), 201)

    @router.delete("/_emulator/faults", tags=["faults"], summary="Remove every fault rule")
    async def clear_faults() -> Response:
        service.faults.clear()
        return json_response({"cleared": True})

    @router.delete("/_emulator/faults/{ruleId}", tags=["faults"], summary="Remove one fault rule")
    async def delete_fault(rule_id: int = Path(alias="ruleId")) -> Response:
        if not service.faults.remove(rule_id):
            raise errors.invalid_parameter("ruleId", f"no fault rule has id {rule_id}")
        return json_response({"deleted": rule_id})

    @router.get("/_emulator/requests", tags=["journal"], summary="The request journal, oldest first")
    async def journal(limit: int | None = Query(None, ge=1, le=1_000_000, description="Only the newest N."),
                      requestId: str | None = Query(None, max_length=64,  # noqa: N803 - the wire's name
                                                    description="Only entries whose request id starts so "
                                                                "(case-insensitive).")) -> Response:
        entries = service.journal.entries(None if requestId else limit)
        total = service.journal.total  # every request since the last reset, however many are kept
        if requestId:
            prefix = requestId.upper()
            entries = [e for e in entries if e.request_id.startswith(prefix)]
            total = len(entries)  # those that match
        if limit is not None:
            entries = entries[-limit:]
        return json_response({"worker": os.getpid(), "total": total, "requests": [e.public() for e in entries]})

    @router.get("/_emulator/state", tags=["state"],
                summary="The changed state as one JSON document (forms, clock, usage events, fault rules, writes)")
    async def get_state() -> Response:
        return json_response(service.export_state())

    @router.put("/_emulator/state", tags=["state"], openapi_extra=body_schema(StateDoc),
                summary="Replace the changed state with a document's, checked in full first (all or nothing)")
    async def put_state(request: Request) -> Response:
        raw = await read_body(request, STATE_MAX_BODY)
        service.import_state(parse_json(raw, STATE_MAX_BODY, "PUT /_emulator/state"))
        return json_response(service.export_state())

    @router.delete("/_emulator/requests", tags=["journal"], summary="Empty the request journal")
    async def clear_journal() -> Response:
        service.journal.clear()
        return json_response({"cleared": True})

    return router


def control_app(service: Service) -> FastAPI:
    app = FastAPI(
        title="aicontent-emulator",
        version=__version__,
        description="Offline emulator of Alibaba Cloud AiContent's Model Router billing API, "
                    "with its control API under `/_emulator/`.",
        openapi_url="/_emulator/openapi.json",
        docs_url=None,  # our own page instead: Swagger UI would be fetched from a CDN (emulator.web.docs_page)
        redoc_url=None,
    )
    host_id = service.settings.host_id

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc, host_id)

    @app.exception_handler(FieldError)
    async def _body_error(request: Request, exc: FieldError) -> Response:
        return error_response(errors.invalid_parameter(exc.field, exc.reason), host_id)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (404, 405):
            return error_response(errors.not_found(request.method, request.url.path), host_id)
        return error_response(ApiError(errors.INVALID_PARAMETER, str(exc.detail)), host_id)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "path", "query")) or "body"
        return error_response(errors.invalid_parameter(where, str(first.get("msg", "is not valid")).rstrip(".")),
                              host_id)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error in the control API: %s %s", request.method, request.url.path)
        service.unexpected.append(traceback.format_exc())
        return error_response(ApiError(errors.UNKNOWN_ERROR), host_id)

    @app.get("/_emulator/scenario", tags=["control"],
             summary="Catalogue, organizations, departments, members, keys; the actions; the data clock and "
                     "usage events")
    async def scenario() -> Response:
        from emulator.api.table import ACTIONS

        actions = [{"name": a.name, "method": a.method, "path": a.full_path, "sdkMethod": a.sdk_method,
                    "ramAction": a.ram_action, "emulated": a.emulated, "parameters": [p.name for p in a.params]}
                   for a in ACTIONS]
        return json_response({**service.scenario.public(), "actions": actions, "clock": service.clock.public(),
                              "usageEvents": [e.public() for e in service.events.events]})

    from emulator.web.control_data import BODY_MODELS as DATA_MODELS
    from emulator.web.control_data import data_routes
    from emulator.web.ui_routes import ui_routes

    app.include_router(harness_routes(service))
    app.include_router(data_routes(service))
    app.include_router(ui_routes())

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            app.openapi_schema = api_openapi(schema, sorted(service.scenario.models), BODY_MODELS + DATA_MODELS)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/_emulator/docs", tags=["control"], summary="The OpenAPI document as a plain page")
    async def docs() -> Response:
        from emulator.web.docs_page import page

        return Response(page(app.openapi()), media_type="text/html;charset=utf-8")

    return app
