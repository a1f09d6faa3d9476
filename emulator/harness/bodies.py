"""Control-API bodies: read within a size limit and parsed defensively, then validated by the
declared models (`emulator.validation`).

JSON is parsed with limits the standard parser lacks: integers of more than `MAX_DIGITS` digits
are refused by name (instead of costing quadratic time or hitting Python's 4300-digit limit) and
deep nesting is a clear error instead of a RecursionError.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.validation import FieldError, JsonNumber, M, Oversized, validate

MAX_BODY = 64 * 1024  # bytes the control API reads of a body
MAX_DIGITS = 30


def _bounded_int(text: str) -> int | Oversized:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else Oversized(text[:12] + "…")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = JsonNumber(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:24]} is beyond the range of a number")
    return value


def parse_json(raw: bytes, limit: int = MAX_BODY, what: str = "the control API") -> Any:
    """JSON with bounded integers, finite numbers and a bounded depth; FieldError("body") otherwise."""
    if len(raw) > limit:
        raise FieldError("body", f"is {len(raw)} bytes, more than the {limit} {what} reads")
    try:
        return json.loads(raw, parse_int=_bounded_int, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise FieldError("body", "nests too deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise FieldError("body", f"is not valid JSON ({exc})") from None


def from_json(model: type[M], raw: bytes) -> M:
    return validate(model, parse_json(raw))
