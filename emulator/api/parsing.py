"""Syntax of an action's path and query parameters, read from its table entry: decoded values →
typed values.

Only what can be judged from the request alone is checked here; whether a model, department,
member or key exists is asked once the caller is known (`emulator.api.resolve`). When several
things are wrong, one error is reported: path parameters, then repeats, then missing
parameters, then each parameter in the table's order, then the parameters' rules in the table's
order, then the action's own rule. Every check costs time linear in the request's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from emulator import errors
from emulator.api.spec import PAGING, Action, Limits


@dataclass(frozen=True)
class Paging:
    token_style: bool  # maxResults or nextToken given: the token style wins
    page: int  # legacy: pageIndex, else page, else 1
    size: int | None  # rows per page; None: every row in one page
    next_token: str  # "" when starting from the first row


def parse(action: Action, pairs: list[tuple[str, str]], limits: Limits,
          path_args: tuple[str, ...] = ()) -> dict[str, Any]:
    """The action's parameters as typed values (only those given); unknown ones are ignored."""
    args: dict[str, Any] = {}
    for p, raw in zip(action.path_params, path_args):
        args[p.name] = p.read(_decoded(p.name, raw))
    given: dict[str, str] = {}
    known = action.by_name
    for name, text in pairs:
        if name not in known:
            continue  # unknown parameters are ignored, as gateways do
        if name in given:
            raise errors.invalid_parameter(name, "was given more than once")
        given[name] = text
    for name in action.required:
        if name not in given:
            raise errors.missing_parameter(name)
    for name in sorted(given, key=action.order.__getitem__) if len(given) > 1 else given:
        p = known[name]
        args[name] = p.reader(p, given[name])
    for p in action.rules:
        assert p.rule is not None
        p.rule(args, limits)
    if action.check is not None:
        action.check(args, limits)
    return args


def _decoded(name: str, raw: str) -> str:
    """A path segment percent-decoded strictly (invalid UTF-8 is InvalidParameter naming it)."""
    if "%" not in raw and raw.isascii():
        return raw
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise errors.invalid_parameter(name, "is not valid percent-encoded UTF-8") from None


def paging(action: Action, args: dict[str, Any]) -> Paging:
    """How the request pages: the token style wins when maxResults or nextToken is given."""
    token_style = "maxResults" in args or "nextToken" in args
    page = args.get("pageIndex", args.get("page", 1))
    legacy = "pageSize" in args or "page" in args or "pageIndex" in args or "size" in args
    size = args.get("maxResults", args.get("pageSize", args.get("size")))  # the balance logs name it size
    if size is None and (legacy or (token_style and action.param("pageSize") is not None)):
        size = action.legacy_default_size
    if size is None:
        size = action.default_size
    return Paging(token_style, page, size, args.get("nextToken", ""))


def canonical(action: Action, args: dict[str, Any]) -> bytes:
    """A stable byte form of what the request asks (paging aside), for binding page tokens to
    the action and the query."""
    return f"{action.name}|{sorted(args.items() - {(k, args[k]) for k in PAGING & args.keys()})!r}".encode()
