"""JSON bodies of the writes: read within a bound, parsed with limits, validated field by field
against the action's declared model.

An emulated write declares its own model (the SDK's fields with the emulator's rules); every other
action's model is derived from the SDK's declared body fields (`Action.body_fields`), built on
first use so that start-up does not pay for 80 models. Strict JSON types: an int field takes a
JSON integer (not 1.0, "1" or true), a float field an integer or a number, a string field a
string without NUL or lone surrogates, a bool field true or false. Unknown fields are ignored,
as unknown query parameters are. A failure is one 400 naming the (dotted) field: MissingParameter
for a required field that is absent, InvalidParameter for anything else.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from emulator import errors
from emulator.api.kinds import INT64_MAX
from emulator.api.sdkspec import SdkField
from emulator.api.spec import Action
from emulator.errors import ApiError
from emulator.harness.bodies import parse_json
from emulator.validation import FieldError, Text, validate

MAX_BODY = 1 << 20  # bytes of a request body the API reads
MAX_TEXT = 64 * 1024  # characters of a string field of a derived body
BODY_CONFIG = ConfigDict(strict=True, extra="ignore", frozen=True)

Int64 = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]
Number = Annotated[float, Field(allow_inf_nan=False)]
BodyText = Annotated[Text, Field(max_length=MAX_TEXT)]
JSON_TYPES: dict[str, Any] = {"int": Int64, "float": Number, "str": BodyText, "bool": bool, "any": Any,
                              "dict": dict[str, Any]}


def _python_type(kind: str, nested: dict[str, tuple[SdkField, ...]]) -> Any:
    if kind.startswith("list[") and kind.endswith("]"):
        return list[_python_type(kind[5:-1], nested)]  # type: ignore[misc]
    if kind in JSON_TYPES:
        return JSON_TYPES[kind]
    return _nested_model(kind, nested[kind], tuple(nested.items()))


@cache
def _nested_model(name: str, fields: tuple[SdkField, ...], nested: tuple[tuple[str, tuple[SdkField, ...]], ...]
                  ) -> type[BaseModel]:
    return derived_model(name, fields, dict(nested))


def derived_model(name: str, fields: tuple[SdkField, ...], nested: dict[str, tuple[SdkField, ...]]
                  ) -> type[BaseModel]:
    """A strict pydantic model of the SDK's declared fields: the required ones required."""
    spec: dict[str, Any] = {}
    for f in fields:
        kind = _python_type(f.type, nested)
        described = Field(... if f.required else None, description=f.doc or None)
        spec[f.name] = (kind if f.required else kind | None, described)
    return create_model(name, __config__=BODY_CONFIG, **spec)


@cache
def model_for(action: Action) -> type[BaseModel] | None:
    """The action's body model: its own, else the one derived from the SDK (None: no body)."""
    if action.body is not None:
        return action.body
    if not action.body_fields:
        return None
    from emulator.api.sdk_actions import REQUEST_MODELS

    return derived_model(action.name.removeprefix("ModelRouter") + "Body", action.body_fields, REQUEST_MODELS)


def _refused(exc: FieldError) -> ApiError:
    if exc.missing:
        return errors.missing_parameter(exc.field)
    return errors.invalid_parameter(exc.field, exc.reason)


def read(action: Action, raw: bytes, content_type: str | None, size: int) -> BaseModel | dict[str, Any] | None:
    """The body as the action's model (any JSON object where the action takes any); None when
    the action takes no body. `size` is the bytes received, which may exceed what `raw` kept."""
    model = model_for(action)
    if model is None and not action.any_body:
        return None  # a body the action does not take is ignored, as unknown parameters are
    if size > MAX_BODY:
        raise errors.invalid_parameter("body", f"is {size} bytes, more than the {MAX_BODY} the API reads")
    if raw.strip() == b"":
        data: Any = {}
    else:
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if media != "application/json":
            raise errors.invalid_parameter(
                "body", f"must be JSON sent as application/json, got content-type {errors.echo(content_type or '')!r}")
        try:
            data = parse_json(raw, MAX_BODY, "the API")
        except FieldError as exc:
            raise _refused(exc) from None
    if not isinstance(data, dict):
        raise errors.invalid_parameter("body", f"must be a JSON object, got {type(data).__name__}")
    if model is None:
        return data
    try:
        return validate(model, data)
    except FieldError as exc:
        raise _refused(exc) from None
