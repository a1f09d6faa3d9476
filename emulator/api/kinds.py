"""Kinds of parameter (`Param.kind`): how a path or query value is read, its JSON schema, and which
SDK types it may stand for. One table, read by the parser, the OpenAPI document, the README and
the test that holds the action table to the SDK's declarations.

Rules are strict on purpose ([choice]): a client bug should fail here, not in production. Every
reader costs time linear in the value's length, and refuses before converting what is too long.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator import errors
from emulator.domain.clock import MAX_INSTANT

if TYPE_CHECKING:
    from emulator.api.spec import Param

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
MILLISECONDS_FROM = MAX_INSTANT  # a seconds timestamp this large would be in the year 5138
MAX_TOKEN = 512
TYPE_ALIASES = {"llm": "chat", "vl": "chatmultimodal"}


def _is_integer(raw: str) -> bool:
    """ASCII digits with an optional leading minus: no '+', spaces, underscores or unicode digits
    (all of which int() would accept)."""
    digits = raw[1:] if raw[:1] == "-" else raw
    return digits.isascii() and digits.isdigit()


def integer(name: str, raw: str, low: int, high: int, what: str = "") -> int:
    if not _is_integer(raw):
        raise errors.invalid_parameter(name, f'must be a base-10 integer, got "{errors.echo(raw)}"')
    # Longer than any int64 even with leading zeros trimmed: refuse before int() does the work
    # (and before Python's 4300-digit conversion limit turns it into an exception).
    if len(raw.lstrip("-").lstrip("0")) > 19:
        raise errors.invalid_parameter(name, f"{errors.echo(raw)} does not fit in a 64-bit integer")
    value = int(raw)
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise errors.invalid_parameter(name, f"{errors.echo(raw)} does not fit in a 64-bit integer")
    if not low <= value <= high:
        raise errors.invalid_parameter(name, what or f"must be between {low} and {high}, got {value}")
    return value


def noun(name: str) -> str:
    """What an id parameter names, for messages: clientId → department."""
    return {"clientId": "department", "apiKeyId": "API key", "id": "", "groupId": "model group"}.get(
        name, name.removesuffix("Id"))


def _id(p: Param, raw: str) -> int:
    what = noun(p.name) if p.noun is None else p.noun
    return integer(p.name, raw, 1, INT64_MAX, f"must be a positive {what} id".replace("  ", " "))


def _id_list(p: Param, raw: str) -> tuple[int, ...]:
    name = p.name
    if raw == "":
        if p.empty_ok:
            return ()
        raise errors.invalid_parameter(name, "must list at least one id, comma-separated")
    ids: list[int] = []
    seen: set[int] = set()
    for part in raw.split(","):
        value = integer(name, part, 1, INT64_MAX, f"ids must be positive, got {errors.echo(part)}")
        if value in seen:
            raise errors.invalid_parameter(name, f"lists id {value} more than once")
        seen.add(value)
        ids.append(value)
    return tuple(ids)


def _types(p: Param, raw: str) -> tuple[str, ...]:
    """Model types, lower-cased with aliases resolved; an unknown type is allowed (it matches
    nothing), an empty element or a repeat is not."""
    out: list[str] = []
    seen: set[str] = set()
    for part in raw.split(","):
        if not part or len(part) > 64 or not part.isascii() or not part.isalpha():
            raise errors.invalid_parameter(p.name, f'must list model types like "Chat,ImageGeneration", '
                                                   f'got "{errors.echo(raw)}"')
        kind = TYPE_ALIASES.get(part.lower(), part.lower())
        if kind in seen:
            raise errors.invalid_parameter(p.name, f"lists {errors.echo(part)} more than once")
        seen.add(kind)
        out.append(kind)
    return tuple(out)


def _time(p: Param, raw: str) -> int:
    seconds = integer(p.name, raw, 0, INT64_MAX, "must be a Unix time in seconds, not negative")
    if seconds >= MILLISECONDS_FROM:
        raise errors.invalid_parameter(p.name, f"must be a Unix time in seconds; {seconds} looks like milliseconds")
    return seconds


def _token(p: Param, raw: str) -> str:
    if len(raw) > MAX_TOKEN:
        raise errors.invalid_parameter(p.name, f"is longer than {MAX_TOKEN} characters; it is not one this API issued")
    return raw


def _text(p: Param, raw: str) -> str:
    if len(raw) > p.high:
        raise errors.invalid_parameter(p.name, f"is longer than {p.high} characters")
    if "\0" in raw:
        raise errors.invalid_parameter(p.name, "must not contain NUL characters")
    return raw


def _choice(p: Param, raw: str) -> str:
    match = next((c for c in p.choices if c.lower() == raw.lower()), None)
    if match is None:
        shown = ", ".join(c or '"" (empty)' for c in p.choices)
        raise errors.invalid_parameter(p.name, f'must be one of {shown}, got "{errors.echo(raw)}"')
    return match


def _bool(p: Param, raw: str) -> bool:
    """true or false in any case: the SDK writes Python's True/False into the query."""
    if raw.lower() not in ("true", "false"):
        raise errors.invalid_parameter(p.name, f'must be true or false, got "{errors.echo(raw)}"')
    return raw.lower() == "true"


INT64: dict[str, Any] = {"type": "integer", "format": "int64"}


@dataclass(frozen=True)
class Kind:
    """How one kind of parameter is read and described."""

    read: Callable[[Param, str], Any]
    schema: Callable[[Param], dict[str, Any]]
    sdk_types: frozenset[str]  # the SDK field types it may stand for


def _fixed(schema: dict[str, Any]) -> Callable[[Param], dict[str, Any]]:
    return lambda p: dict(schema)


INT = frozenset({"int"})
STR = frozenset({"str"})
KINDS: dict[str, Kind] = {
    "model": Kind(lambda p, raw: integer(p.name, raw, 1, INT64_MAX, "must be a positive model id"),
                  _fixed({**INT64, "minimum": 1}), INT | STR),
    "id": Kind(_id, _fixed({**INT64, "minimum": 1}), INT | STR),  # path ids: the SDK types them str
    "time": Kind(_time, _fixed({**INT64, "minimum": 0, "maximum": MAX_INSTANT - 1}), INT),
    "page": Kind(lambda p, raw: integer(p.name, raw, 1, INT32_MAX),
                 _fixed({"type": "integer", "format": "int32", "minimum": 1, "maximum": INT32_MAX}), INT),
    "size": Kind(lambda p, raw: integer(p.name, raw, 1, p.high),
                 lambda p: {"type": "integer", "format": "int32", "minimum": 1, "maximum": p.high}, INT),
    "int": Kind(lambda p, raw: integer(p.name, raw, -INT32_MAX - 1, INT32_MAX),
                _fixed({"type": "integer", "format": "int32"}), INT),
    "int64": Kind(lambda p, raw: integer(p.name, raw, -INT64_MAX - 1, INT64_MAX), _fixed(INT64), INT),
    "ids": Kind(_id_list, lambda p: {"type": "string", "pattern": r"^([0-9]+(,[0-9]+)*)?$" if p.empty_ok
                                     else r"^[0-9]+(,[0-9]+)*$"}, STR),
    "types": Kind(_types, _fixed({"type": "string", "pattern": r"^[A-Za-z]+(,[A-Za-z]+)*$"}), STR),
    "token": Kind(_token, _fixed({"type": "string", "maxLength": MAX_TOKEN}), STR),
    "choice": Kind(_choice, lambda p: {"type": "string", "enum": list(p.choices)}, STR),
    "text": Kind(_text, lambda p: {"type": "string", "maxLength": p.high}, STR),
    "bool": Kind(_bool, _fixed({"type": "string", "enum": ["true", "false", "True", "False"]}), frozenset({"bool"})),
}
