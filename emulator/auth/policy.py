"""RAM policy documents and their evaluation, as pure functions (README "Identity and permission").

Alibaba Cloud's form: `{"Version": "1", "Statement": [{"Effect", "Action" | "NotAction",
"Resource", "Condition"}]}`. Evaluation: an explicit Deny wins, then any Allow, else an
implicit deny. Wildcards `*` and `?` in actions (case-insensitive) and resources.
Conditions support the global keys a user would write — `acs:SourceIp`, `acs:SecureTransport`,
`acs:CurrentTime` — and a policy naming any other key is refused when the fixture loads.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

RESOURCE = "acs:aicontent:*:*:*"  # the API's resource type is "All Resource" [doc]

Decision = Literal["Allow", "Deny", "ImplicitDeny"]


class PolicyError(ValueError):
    """A policy document the emulator cannot evaluate faithfully; refused at load time."""


@dataclass(frozen=True)
class RequestContext:
    """The facts conditions may test."""

    source_ip: str
    secure_transport: bool
    current_time: dt.datetime  # aware, UTC


def _ip_in(value: str, nets: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in nets)


def _time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _like(value: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(value, p) for p in patterns)


# operator → (how a context value is tested against the statement's values)
OPERATORS: dict[str, Callable[[Any, list[str]], bool]] = {
    "StringEquals": lambda v, vs: str(v) in vs,
    "StringNotEquals": lambda v, vs: str(v) not in vs,
    "StringEqualsIgnoreCase": lambda v, vs: str(v).lower() in [x.lower() for x in vs],
    "StringLike": lambda v, vs: _like(str(v), vs),
    "StringNotLike": lambda v, vs: not _like(str(v), vs),
    "IpAddress": lambda v, vs: _ip_in(v, vs),
    "NotIpAddress": lambda v, vs: not _ip_in(v, vs),
    "Bool": lambda v, vs: str(v).lower() in [x.lower() for x in vs],
    "DateEquals": lambda v, vs: any(v == _time(x) for x in vs),
    "DateNotEquals": lambda v, vs: all(v != _time(x) for x in vs),
    "DateLessThan": lambda v, vs: any(v < _time(x) for x in vs),
    "DateLessThanEquals": lambda v, vs: any(v <= _time(x) for x in vs),
    "DateGreaterThan": lambda v, vs: any(v > _time(x) for x in vs),
    "DateGreaterThanEquals": lambda v, vs: any(v >= _time(x) for x in vs),
}
KEYS: dict[str, Callable[[RequestContext], Any]] = {
    "acs:sourceip": lambda c: c.source_ip,
    "acs:securetransport": lambda c: "true" if c.secure_transport else "false",
    "acs:currenttime": lambda c: c.current_time,
}
_KEY_OPERATORS = {
    "acs:sourceip": {"IpAddress", "NotIpAddress", "StringEquals", "StringNotEquals", "StringLike", "StringNotLike"},
    "acs:securetransport": {"Bool"},
    "acs:currenttime": {o for o in OPERATORS if o.startswith("Date")},
}


@dataclass(frozen=True)
class Condition:
    operator: str
    key: str  # lower-case
    values: tuple[str, ...]

    def holds(self, ctx: RequestContext) -> bool:
        return OPERATORS[self.operator](KEYS[self.key](ctx), list(self.values))


@dataclass(frozen=True)
class Statement:
    effect: Literal["Allow", "Deny"]
    actions: tuple[str, ...]
    not_action: bool  # True: the statement applies to actions matching none of `actions`
    resources: tuple[str, ...]
    conditions: tuple[Condition, ...]
    _action_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _resource_re: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # compiled once, at load time
        object.__setattr__(self, "_action_re", _glob(self.actions, re.IGNORECASE))
        object.__setattr__(self, "_resource_re", _glob(self.resources, 0))

    def applies(self, action: str, resource: str, ctx: RequestContext) -> bool:
        if (self._action_re.fullmatch(action) is not None) == self.not_action:
            return False
        if self._resource_re.fullmatch(resource) is None:
            return False
        return all(c.holds(ctx) for c in self.conditions)


@dataclass(frozen=True)
class Policy:
    name: str
    statements: tuple[Statement, ...]


def _glob(patterns: tuple[str, ...], flags: int) -> re.Pattern[str]:
    """One regex matching any of the `*`/`?` wildcard patterns."""
    alternatives = ("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in p) for p in patterns)
    return re.compile("|".join(f"(?:{a})" for a in alternatives), flags | re.DOTALL)


def evaluate(policies: tuple[Policy, ...], action: str, resource: str, ctx: RequestContext) -> Decision:
    """Explicit Deny first, then Allow, else ImplicitDeny."""
    applicable = [s for p in policies for s in p.statements if s.applies(action, resource, ctx)]
    if any(s.effect == "Deny" for s in applicable):
        return "Deny"
    return "Allow" if applicable else "ImplicitDeny"


def parse_policy(name: str, doc: Any) -> Policy:
    """Check a policy document and build it; anything the evaluator would get wrong is refused."""
    def fail(why: str) -> PolicyError:
        return PolicyError(f"policy {name!r}: {why}")

    if not isinstance(doc, dict) or not isinstance(doc.get("Statement"), list):
        raise fail('must be an object with a "Statement" list')
    if set(doc) - {"Version", "Statement"}:
        raise fail(f"has unsupported element(s) {sorted(set(doc) - {'Version', 'Statement'})}")
    if str(doc.get("Version", "1")) != "1":
        raise fail('"Version" must be "1"')
    statements = []
    for i, st in enumerate(doc["Statement"]):
        if not isinstance(st, dict):
            raise fail(f"statement {i} must be an object")
        unknown = set(st) - {"Effect", "Action", "NotAction", "Resource", "Condition", "Sid"}
        if unknown:
            raise fail(f"statement {i} has unsupported element(s) {sorted(unknown)}")
        if st.get("Effect") not in ("Allow", "Deny"):
            raise fail(f'statement {i}: "Effect" must be "Allow" or "Deny"')
        if ("Action" in st) == ("NotAction" in st):
            raise fail(f'statement {i}: give exactly one of "Action" and "NotAction"')
        actions = _strings(st.get("Action", st.get("NotAction")), fail, f"statement {i} action")
        resources = _strings(st.get("Resource", "*"), fail, f"statement {i} resource")
        conditions = []
        condition = st.get("Condition") or {}
        if not isinstance(condition, dict):
            raise fail(f'statement {i}: "Condition" must be an object of operators, '
                       'like {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}')
        for operator, block in condition.items():
            if operator not in OPERATORS or not isinstance(block, dict):
                raise fail(f"statement {i}: unsupported condition operator {operator!r} "
                           f"(supported: {', '.join(sorted(OPERATORS))})")
            for key, values in block.items():
                lowered = key.lower()
                if lowered not in KEYS:
                    raise fail(f"statement {i}: unsupported condition key {key!r} "
                               "(supported: acs:SourceIp, acs:SecureTransport, acs:CurrentTime)")
                if operator not in _KEY_OPERATORS[lowered]:
                    raise fail(f"statement {i}: operator {operator} cannot test {key}")
                vals = _strings(values, fail, f"statement {i} condition {key}")
                _check_values(operator, vals, fail, i)
                conditions.append(Condition(operator, lowered, vals))
        statements.append(Statement(st["Effect"], actions, "NotAction" in st, resources, tuple(conditions)))
    return Policy(name, tuple(statements))


def _strings(value: Any, fail: Callable[[str], PolicyError], what: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, (str, bool)) else value
    if not isinstance(items, list) or not items or not all(isinstance(x, (str, bool)) for x in items):
        raise fail(f"{what} must be a string or a non-empty list of strings")
    return tuple(str(x).lower() if isinstance(x, bool) else x for x in items)


def _check_values(operator: str, values: tuple[str, ...], fail: Callable[[str], PolicyError], i: int) -> None:
    try:
        if operator.endswith("IpAddress"):
            for v in values:
                ipaddress.ip_network(v, strict=False)
        elif operator.startswith("Date"):
            for v in values:
                _time(v)
    except ValueError as exc:
        raise fail(f"statement {i}: {operator} value is not valid ({exc})") from exc
