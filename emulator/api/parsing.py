"""Syntax of an action's parameters, read from its table entry: decoded query pairs → typed values.

Only what can be judged from the request alone is checked here; whether a model, department,
member or key exists is asked once the caller is known. Rules are strict on purpose ([choice]):
a client bug should fail here, not in production. When several things are wrong, one error is
reported: repeats, then missing parameters, then each parameter in the table's order, then the
cross-checks. Every check costs time linear in the request's size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator import errors
from emulator.api.spec import INT32_MAX, INT64_MAX, PAGING, Action, Param
from emulator.domain.clock import MAX_INSTANT
from emulator.domain.timeline import DAY

MILLISECONDS_FROM = MAX_INSTANT  # a seconds timestamp this large would be in the year 5138
MAX_TOKEN = 512
TYPE_ALIASES = {"llm": "chat", "vl": "chatmultimodal"}


@dataclass(frozen=True)
class Paging:
    token_style: bool  # maxResults or nextToken given: the token style wins
    page: int  # legacy: pageIndex, else page, else 1
    size: int | None  # rows per page; None: every row in one page
    next_token: str  # "" when starting from the first row


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


def _id_list(name: str, raw: str, allow_empty: bool) -> tuple[int, ...]:
    if raw == "":
        if allow_empty:
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


def _types(name: str, raw: str) -> tuple[str, ...]:
    """Model types, lower-cased with aliases resolved; an unknown type is allowed (it matches
    nothing), an empty element or a repeat is not."""
    out: list[str] = []
    seen: set[str] = set()
    for part in raw.split(","):
        if not part or len(part) > 64 or not part.isascii() or not part.isalpha():
            raise errors.invalid_parameter(name, f'must list model types like "Chat,ImageGeneration", '
                                                 f'got "{errors.echo(raw)}"')
        kind = TYPE_ALIASES.get(part.lower(), part.lower())
        if kind in seen:
            raise errors.invalid_parameter(name, f"lists {errors.echo(part)} more than once")
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
    return raw


def _choice(p: Param, raw: str) -> str:
    match = next((c for c in p.choices if c.lower() == raw.lower()), None)
    if match is None:
        raise errors.invalid_parameter(p.name, f'must be one of {", ".join(p.choices)}, got "{errors.echo(raw)}"')
    return match


def _bool(p: Param, raw: str) -> bool:
    if raw.lower() not in ("true", "false"):
        raise errors.invalid_parameter(p.name, f'must be true or false, got "{errors.echo(raw)}"')
    return raw.lower() == "true"


# How each kind of parameter is read (Param.kind).
READERS: dict[str, Callable[[Param, str], Any]] = {
    "model": lambda p, raw: integer(p.name, raw, 1, INT64_MAX, "must be a positive model id"),
    "id": lambda p, raw: integer(p.name, raw, 1, INT64_MAX, f"must be a positive {_noun(p.name)} id"),
    "time": _time,
    "page": lambda p, raw: integer(p.name, raw, 1, INT32_MAX),
    "size": lambda p, raw: integer(p.name, raw, 1, p.high),
    "int": lambda p, raw: integer(p.name, raw, -INT32_MAX - 1, INT32_MAX),
    "ids": lambda p, raw: _id_list(p.name, raw, p.empty_ok),
    "types": lambda p, raw: _types(p.name, raw),
    "token": _token,
    "text": _text,
    "choice": _choice,
    "bool": _bool,
}


def _noun(name: str) -> str:
    return {"clientId": "department", "apiKeyId": "API key"}.get(name, name.removesuffix("Id"))


def parse(action: Action, pairs: list[tuple[str, str]], max_span_days: int) -> dict[str, Any]:
    """The action's parameters as typed values (only those given); unknown ones are ignored."""
    given: dict[str, str] = {}
    known = action.by_name
    for name, text in pairs:
        if name not in known:
            continue  # unknown parameters are ignored, as gateways do
        if name in given:
            raise errors.invalid_parameter(name, "was given more than once")
        given[name] = text
    for p in action.params:
        if p.required and p.name not in given:
            raise errors.missing_parameter(p.name)
    args = {p.name: READERS[p.kind](p, given[p.name]) for p in action.params if p.name in given}
    _cross_checks(args, max_span_days)
    if action.check is not None:
        action.check(args)
    return args


def _cross_checks(args: dict[str, Any], max_span_days: int) -> None:
    if "startTime" in args:
        start, end = args["startTime"], args["endTime"]
        if end <= start:
            raise errors.invalid_parameter("endTime", f"must be later than startTime ({start}), got {end}")
        if end - start > max_span_days * DAY:
            raise errors.invalid_parameter(
                "endTime", f"the span from startTime to endTime is {(end - start) / DAY:g} days, "
                           f"more than the maximum of {max_span_days} days")
    if "clientId" in args and "clientIds" in args:
        raise errors.invalid_parameter("clientIds", "cannot be combined with clientId; use one of them")
    if "apiKeyId" in args and "clientId" not in args:
        raise errors.invalid_parameter("apiKeyId", "requires clientId, the department the key belongs to")


def paging(action: Action, args: dict[str, Any]) -> Paging:
    """How the request pages: the token style wins when maxResults or nextToken is given."""
    token_style = "maxResults" in args or "nextToken" in args
    page = args.get("pageIndex", args.get("page", 1))
    legacy = "pageSize" in args or "page" in args or "pageIndex" in args
    size = args.get("maxResults", args.get("pageSize"))
    if size is None and (legacy or (token_style and action.param("pageSize") is not None)):
        size = action.legacy_default_size
    if size is None:
        size = action.default_size
    return Paging(token_style, page, size, args.get("nextToken", ""))


def canonical(action: Action, args: dict[str, Any]) -> bytes:
    """A stable byte form of what the request asks (paging aside), for binding page tokens to
    the action and the query."""
    return f"{action.name}|{sorted(args.items() - {(k, args[k]) for k in PAGING & args.keys()})!r}".encode()
