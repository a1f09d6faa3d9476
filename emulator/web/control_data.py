"""Control-API routes for what shapes the answers: settings and forms, the data clock, usage events.

Each body is a declared model; what the models cannot judge alone (an unknown model id, an
instant in a form the clock does not take) is checked by the domain, and every refusal is a 400
naming the field, with nothing changed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, create_model

from emulator import errors
from emulator.domain.clock import MAX_INSTANT, MAX_LAG_MINUTES
from emulator.domain.events import UsageEventSpec
from emulator.service import Service
from emulator.settings import FORMS
from emulator.validation import STRICT, FieldError
from emulator.web.control import body_schema, json_response, read_model


def _form(name: str) -> Any:
    return Field(None, description=f"One of {', '.join(FORMS[name])}.", json_schema_extra={"enum": list(FORMS[name])})


# The forms to switch (`PATCH /_emulator/config`), one field a form of FORMS; any other setting
# is refused by name.
FormsPatch: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "FormsPatch", __config__=STRICT, __doc__="The forms to switch; any other setting is refused by name.",
    **{name: (str | None, _form(name)) for name in FORMS})


class ClockSpec(BaseModel):
    """Fix the data clock and/or set the lag (`PUT /_emulator/clock`)."""

    model_config = STRICT
    now: Annotated[int, Field(ge=0, lt=MAX_INSTANT)] | Annotated[str, Field(max_length=64)] | None = Field(
        None, description="Unix seconds, or ISO 8601 with an offset (2026-03-01T12:00:00+08:00); "
                          "absent: the clock stays as it is.")
    dataLagMinutes: Annotated[int, Field(ge=0, le=MAX_LAG_MINUTES)] | None = Field(
        None, description="Usage of the last N minutes before the clock is not yet visible.")


class Advance(BaseModel):
    """Move a fixed clock forward (`POST /_emulator/clock/advance`)."""

    model_config = STRICT
    seconds: Annotated[int, Field(ge=0, lt=MAX_INSTANT)]


BODY_MODELS: list[type[BaseModel]] = [FormsPatch, ClockSpec, Advance, UsageEventSpec]


def data_routes(service: Service) -> APIRouter:
    router = APIRouter()

    @router.get("/_emulator/config", tags=["settings"],
                summary="The effective settings, with the forms and clock switched at run time")
    async def config() -> Response:
        return json_response(service.effective_config())

    @router.patch("/_emulator/config", tags=["settings"], openapi_extra=body_schema(FormsPatch),
                  summary="Switch forms of the unknowns for this process (reset restores the started ones)")
    async def patch_config(request: Request) -> Response:
        patch = await read_model(request, FormsPatch)
        service.set_forms(**patch.model_dump(exclude_none=True))
        return json_response(service.effective_config())

    @router.get("/_emulator/clock", tags=["clock"], summary="The data clock")
    async def clock() -> Response:
        return json_response(service.clock.public())

    @router.put("/_emulator/clock", tags=["clock"], openapi_extra=body_schema(ClockSpec),
                summary="Fix the data clock (and optionally the lag)")
    async def set_clock(request: Request) -> Response:
        spec = await read_model(request, ClockSpec)
        if spec.now is None and spec.dataLagMinutes is None:
            raise FieldError("now", "give now, dataLagMinutes or both")
        service.clock.set(spec.now, spec.dataLagMinutes)
        return json_response(service.clock.public())

    @router.post("/_emulator/clock/advance", tags=["clock"], openapi_extra=body_schema(Advance),
                 summary="Move a fixed data clock forward")
    async def advance(request: Request) -> Response:
        service.clock.advance((await read_model(request, Advance)).seconds)
        return json_response(service.clock.public())

    @router.delete("/_emulator/clock", tags=["clock"], summary="Back to the started clock setting")
    async def reset_clock() -> Response:
        service.clock.reset()
        return json_response(service.clock.public())

    @router.get("/_emulator/usage-events", tags=["usage events"], summary="The usage events in force, in order")
    async def list_events() -> Response:
        return json_response([e.public() for e in service.events.events])

    @router.post("/_emulator/usage-events", tags=["usage events"], status_code=201,
                 openapi_extra=body_schema(UsageEventSpec), summary="Add a usage event")
    async def add_event(request: Request) -> Response:
        event = service.events.add(await read_model(request, UsageEventSpec))
        return json_response(event.public(), 201)

    @router.delete("/_emulator/usage-events", tags=["usage events"], summary="Remove every usage event")
    async def clear_events() -> Response:
        service.events.clear()
        return json_response({"cleared": True})

    @router.delete("/_emulator/usage-events/{eventId}", tags=["usage events"], summary="Remove one usage event")
    async def delete_event(event_id: int = Path(alias="eventId")) -> Response:
        if not service.events.remove(event_id):
            raise errors.invalid_parameter("eventId", f"no usage event has id {event_id}")
        return json_response({"deleted": event_id})

    return router
