"""Control-API bodies: read within a size limit, parsed defensively, validated by declared models.

Every malformed body, over HTTP or from Python, becomes one `BodyError` naming the field, so the
control API answers it with the same kind of 400 and nothing is half-applied. JSON is parsed
with limits the standard parser lacks: integers of more than `MAX_DIGITS` digits are refused
(instead of costing quadratic time or hitting Python's 4300-digit limit) and deep nesting is a
clear error instead of a RecursionError.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

MAX_BODY = 64 * 1024  # bytes the control API reads of a body
MAX_DIGITS = 30

M = TypeVar("M", bound=BaseModel)


class BodyError(ValueError):
    """A body the emulator cannot apply: `field` is where (dotted, wire names), `reason` why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class _Oversized(str):
    """Stands for an integer literal too long to convert; fails any number field by name."""


def _bounded_int(text: str) -> int | _Oversized:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else _Oversized(text[:12] + "…")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    if len(raw) > MAX_BODY:
        raise BodyError("body", f"is {len(raw)} bytes, more than the {MAX_BODY} the control API reads")
    try:
        return json.loads(raw, parse_int=_bounded_int, parse_constant=_no_constant)
    except RecursionError:
        raise BodyError("body", "nests too deeply to be a control request") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BodyError("body", f"is not valid JSON ({exc})") from None


def validate(model: type[M], data: Any) -> M:
    """`data` as `model`, or a BodyError naming the first field that is wrong."""
    if isinstance(data, BaseModel):
        data = data.model_dump(exclude_unset=True)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        reason = str(first["ctx"]["error"]) if first["type"] == "value_error" else first["msg"]
        if isinstance(first.get("input"), _Oversized):
            reason = f"is a number of more than {MAX_DIGITS} digits"
        elif first["type"] == "extra_forbidden":
            reason = f"is not a known field (known: {', '.join(_fields(model, first['loc'][:-1]))})"
        raise BodyError(field, reason.rstrip(".")) from None
    except RecursionError:  # a Python caller's self-referencing or very deep structure
        raise BodyError("body", "nests too deeply to be a control request") from None


def from_json(model: type[M], raw: bytes) -> M:
    return validate(model, parse_json(raw))


def _fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) model at `loc`, for a message about an unknown field."""
    current: Any = model
    for part in loc:
        field = current.model_fields.get(part) if isinstance(part, str) else None
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return sorted(current.model_fields)
        current = annotation
    return sorted(current.model_fields)


def _utf8(value: str) -> str:
    """Text that can be stored and shown: no lone surrogates, no NUL."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it holds a lone surrogate)") from None
    if "\0" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_utf8)]

STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


def mapping_of(data: Mapping[str, Any] | BaseModel | None, **kwargs: Any) -> dict[str, Any]:
    """A Python caller's dict and keyword arguments, merged, for `validate`."""
    base = data.model_dump(exclude_unset=True) if isinstance(data, BaseModel) else dict(data or {})
    return {**base, **kwargs}
