"""Control-API bodies: read within a size limit and parsed defensively, then validated by the
declared models (`emulator.validation`).

JSON is parsed with limits the standard parser lacks: integers of more than `MAX_DIGITS` digits
are refused by name (instead of costing quadratic time or hitting Python's 4300-digit limit) and
deep nesting is a clear error instead of a RecursionError.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.validation import FieldError, M, Oversized, validate

MAX_BODY = 64 * 1024  # bytes the control API reads of a body
MAX_DIGITS = 30


def _bounded_int(text: str) -> int | Oversized:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else Oversized(text[:12] + "…")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    if len(raw) > MAX_BODY:
        raise FieldError("body", f"is {len(raw)} bytes, more than the {MAX_BODY} the control API reads")
    try:
        return json.loads(raw, parse_int=_bounded_int, parse_constant=_no_constant)
    except RecursionError:
        raise FieldError("body", "nests too deeply to be a control request") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise FieldError("body", f"is not valid JSON ({exc})") from None


def from_json(model: type[M], raw: bytes) -> M:
    return validate(model, parse_json(raw))
