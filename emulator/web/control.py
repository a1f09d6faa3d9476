"""The control API under `/_emulator/` (CONTRACT §7): never a path the real service has."""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from emulator import __version__, errors, render
from emulator.errors import ApiError
from emulator.harness.faults import FaultSpecError
from emulator.service import Service, new_request_id
from emulator.web.openapi import api_openapi


def _json(obj: Any, status: int = 200) -> Response:
    return Response(render.dumps(obj), status_code=status, media_type=render.CONTENT_TYPE)


def _error(err: ApiError, host_id: str) -> Response:
    rid = new_request_id()
    return Response(render.error(err, rid, host_id), status_code=err.status, media_type=render.CONTENT_TYPE,
                    headers={"x-acs-request-id": rid})


def control_app(service: Service) -> FastAPI:
    app = FastAPI(
        title="aicontent-emulator",
        version=__version__,
        description="Offline emulator of Alibaba Cloud AiContent `ModelRouterQueryCostModelDetail`, "
                    "with its control API under `/_emulator/`.",
        openapi_url="/_emulator/openapi.json",
        docs_url="/_emulator/docs",
        redoc_url=None,
    )
    host_id = service.settings.host_id

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 or exc.status_code == 405:
            return _error(ApiError(errors.ACTION_NOT_FOUND,
                                   f"Specified api is not found, please check your url and method: "
                                   f"{request.method} {errors.echo(request.url.path)}."), host_id)
        return _error(ApiError(errors.INVALID_PARAMETER, str(exc.detail)), host_id)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        return _error(errors.invalid_parameter(where, str(first.get("msg", "is not valid")).rstrip(".")), host_id)

    @app.get("/_emulator/config", tags=["control"], summary="The effective settings")
    async def config() -> Response:
        return _json(service.settings.as_public_dict())

    @app.get("/_emulator/scenario", tags=["control"], summary="Catalogue, organizations, departments, members, keys")
    async def scenario() -> Response:
        return _json(service.scenario.public())

    @app.get("/_emulator/accounts", tags=["control"], summary="The well-known development credentials")
    async def accounts() -> Response:
        return _json([a.public() for a in service.accounts.accounts])

    @app.post("/_emulator/reset", tags=["control"], summary="Clear fault rules, nonces and the journal")
    async def reset() -> Response:
        service.reset()
        return _json({"reset": True})

    @app.get("/_emulator/faults", tags=["faults"], summary="The active fault rules")
    async def list_faults() -> Response:
        return _json([r.public() for r in service.faults.rules()])

    @app.post("/_emulator/faults", tags=["faults"], status_code=201, summary="Add a fault rule")
    async def add_fault(request: Request) -> Response:
        try:
            spec = await request.json()
        except ValueError:
            return _error(errors.invalid_parameter("body", "must be a JSON object describing a fault rule"), host_id)
        try:
            rule = service.faults.add(spec)
        except FaultSpecError as exc:
            return _error(errors.invalid_parameter("body", str(exc)), host_id)
        return _json(rule.public(), 201)

    @app.delete("/_emulator/faults", tags=["faults"], summary="Remove every fault rule")
    async def clear_faults() -> Response:
        service.faults.clear()
        return _json({"cleared": True})

    @app.delete("/_emulator/faults/{rule_id}", tags=["faults"], summary="Remove one fault rule")
    async def delete_fault(rule_id: int) -> Response:
        if not service.faults.remove(rule_id):
            return _error(errors.invalid_parameter("ruleId", f"no fault rule has id {rule_id}"), host_id)
        return _json({"deleted": rule_id})

    @app.get("/_emulator/requests", tags=["journal"], summary="The request journal")
    async def journal() -> Response:
        entries = service.journal.entries()
        return _json({"worker": os.getpid(), "total": service.journal.total, "requests": [e.public() for e in entries]})

    @app.delete("/_emulator/requests", tags=["journal"], summary="Empty the request journal")
    async def clear_journal() -> Response:
        service.journal.clear()
        return _json({"cleared": True})

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            app.openapi_schema = api_openapi(schema, sorted(service.scenario.models))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
