"""Declared models and one error for "this field is wrong", shared by every input the emulator
takes besides API requests: control-API bodies, Python calls of the `Emulator` object, and the
fixture file's usage events. A malformed input becomes one `FieldError` naming the field (wire
names, dotted), so each surface reports it the same way and nothing is half-applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)


class FieldError(ValueError):
    """An input the emulator cannot apply: `field` is where (dotted, wire names), `reason` why."""

    def __init__(self, field: str, reason: str, missing: bool = False) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.missing = missing  # a required field is absent (the API answers MissingParameter)


class JsonNumber(float):
    """A JSON number with a fraction or exponent, as parsed, carrying the text it was written as
    (`text`), so a rule about how numbers are written can judge what the client sent."""

    text: str

    def __new__(cls, text: str) -> JsonNumber:
        value = super().__new__(cls, text)
        value.text = text
        return value


def written(value: object) -> str:
    """How a number was written: a JsonNumber's own text, else its shortest text."""
    text = getattr(value, "text", None)
    return text if isinstance(text, str) else value if isinstance(value, str) else repr(value)


class Oversized(str):
    """Stands for a JSON integer literal too long to convert; fails any number field by name."""


SECRET_FIELDS = ("secret", "apikey", "password")  # a message never quotes what was sent in these


def validate(model: type[M], data: Any) -> M:
    """`data` as `model`, or a FieldError naming the first field that is wrong."""
    if isinstance(data, model):
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump(exclude_unset=True)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if not _type_tag(p)) or "body"
        reason = str(first["ctx"]["error"]) if first["type"] == "value_error" else first["msg"]
        if isinstance(first.get("input"), Oversized):
            reason = "is a number with too many digits"
        elif first["type"] == "extra_forbidden":
            reason = f"is not a known field (known: {', '.join(_fields(model, first['loc'][:-1]))})"
        elif not any(word in field.lower() for word in SECRET_FIELDS) and first["type"] != "missing" \
                and _shown(first.get("input")) is not None:
            reason = f"{reason.rstrip('.')} (got {_shown(first.get('input'))})"
        raise FieldError(field, reason.rstrip("."), missing=first["type"] == "missing") from None
    except RecursionError:  # a Python caller's self-referencing or very deep structure
        raise FieldError("body", "nests too deeply") from None


def _shown(value: Any) -> str | None:
    """A scalar input as a message may quote it (bounded; a huge integer by its size)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {value.bit_length() * 3 // 10} digits"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return f"{value!r:.60}"
    return None


_TAGS = frozenset({"int", "float", "str", "bool", "bytes", "none", "decimal", "list", "dict"})


def _type_tag(part: Any) -> bool:
    """Whether a location part names a member of a union type (`constrained-int`, `float`,
    `function-after[...]`) rather than a field: those are left out of the field's name."""
    return isinstance(part, str) and (part in _TAGS or not part.replace("_", "a").isalnum())


def _fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) model at `loc`, for a message about an unknown field."""
    current: type[BaseModel] = model
    for part in loc:
        if not isinstance(part, str):
            continue  # an index into a list or a key of a dict: the same model below it
        field = current.model_fields.get(part)
        inner = _model_in(field.annotation) if field is not None else None
        if inner is None:
            break
        current = inner
    return sorted(current.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds (`Spec`, `list[Spec]`, `Spec | None`, ...), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def mapping_of(data: Mapping[str, Any] | BaseModel | None, **fields: Any) -> Any:
    """A Python caller's model or dict and keyword arguments, merged, for `validate`."""
    if isinstance(data, BaseModel) and not fields:
        return data
    if not isinstance(data, (Mapping, BaseModel)) and data is not None:
        return data  # not an object: `validate` refuses it as the body
    base = data.model_dump(exclude_unset=True) if isinstance(data, BaseModel) else dict(data or {})
    return {**base, **fields}


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
