"""How an API action is stated: its method and path template, its parameters (where each comes
from, its kind, its rule, what it names in the world), its JSON body, pagination, RAM action and
the function that answers. The action table (`emulator.api.table`) is made of these; routing,
parsing, the RAM check, the OpenAPI document, the README's tables and the coverage table all
read it, so each thing is stated once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from emulator import errors
from emulator.api.kinds import INT32_MAX, INT64_MAX, KINDS, MILLISECONDS_FROM
from emulator.api.sdkspec import SdkField
from emulator.domain.timeline import DAY

if TYPE_CHECKING:
    from emulator.api.call import Call

PREFIX = "/api/v1/modelRouter/open/"
VERSION = "20240611"
PAGING = frozenset({"page", "pageIndex", "pageSize", "maxResults", "nextToken"})
Method = Literal["GET", "POST", "PUT", "DELETE"]
__all__ = ["INT32_MAX", "INT64_MAX", "MILLISECONDS_FROM", "PREFIX", "VERSION", "Action", "Limits", "Param"]


@dataclass(frozen=True)
class Limits:
    """What the request-only rules depend on besides the request (from the settings)."""

    max_span_days: int


Rule = Callable[[dict[str, Any], Limits], None]


@dataclass(frozen=True)
class Param:
    """One path or query parameter. `kind` says how it is read (`emulator.api.kinds.KINDS`);
    `rule` is a check over the parameters read so far, judged from the request alone; `resolve`
    names what the value must be in the caller's world (a model, a department, ...: judged
    after the RAM check), `scoped` that a department-scoped caller may name only its own; `group`
    joins parameters judged together against the world (the department/member/key filters)."""

    name: str
    kind: str
    description: str
    required: bool = False
    high: int = 0
    choices: tuple[str, ...] = ()
    empty_ok: bool = False
    source: str = "sdk"  # where the parameter is known from: doc, sdk or choice
    location: Literal["query", "path"] = "query"
    noun: str | None = None  # what an id names in messages ("department"); default from the name
    rule: Rule | None = None
    resolve: str | None = None  # model, department, member, api_key, ...: `emulator.api.resolve`
    scoped: bool = False
    group: str | None = None
    reader: Callable[[Param, str], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reader", KINDS[self.kind].read)  # looked up once: read on every request

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON schema, for the OpenAPI document."""
        return KINDS[self.kind].schema(self)

    def read(self, raw: str) -> Any:
        return self.reader(self, raw)


_SEGMENT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, eq=False)  # identity: actions are cache keys
class Action:
    """One action of the product, emulated or not (`answer` is None until it is)."""

    name: str  # the action, as in x-acs-action and the RAM action aicontent:<name>
    path: str  # the template under PREFIX: clients/{clientId}/members/{id}/balance
    summary: str
    params: tuple[Param, ...]
    sdk_method: str
    method: Method = "GET"
    answer: Callable[[Call], bytes] | None = None
    body: type[BaseModel] | None = None  # the JSON body's declared model (writes); else derived from body_fields
    body_fields: tuple[SdkField, ...] = ()  # the body as the SDK declares it
    response: str = ""  # the name of its success schema in the OpenAPI document
    schemas: dict[str, Any] = field(default_factory=dict)  # the schemas of its answer, by name
    ram: bool = True  # False: the action has no RAM check ([doc] "No authorization for this operation")
    default_size: int | None = None  # rows per page when the request names none; None: all of them
    legacy_default_size: int = 20
    check: Rule | None = None  # a rule of its own over its parameters, judged from the request alone
    any_body: bool = False  # the body is any JSON object (chat completions): only its syntax is checked

    def __post_init__(self) -> None:  # derived once: read on every request
        names = _SEGMENT.findall(self.path)
        declared = [p.name for p in self.params if p.location == "path"]
        if names != declared:
            raise ValueError(f"{self.name}: path {self.path} has parameters {names}, the table declares {declared}")
        object.__setattr__(self, "by_name", {p.name: p for p in self.params if p.location == "query"})
        object.__setattr__(self, "required", tuple(p.name for p in self.by_name.values() if p.required))
        object.__setattr__(self, "order", {name: i for i, name in enumerate(self.by_name)})
        object.__setattr__(self, "path_params", tuple(p for p in self.params if p.location == "path"))
        object.__setattr__(self, "ram_action", f"aicontent:{self.name}" if self.ram else None)
        object.__setattr__(self, "resolved", tuple(p for p in self.params if p.resolve is not None))
        object.__setattr__(self, "groups", tuple(dict.fromkeys(p.group for p in self.params if p.group)))
        object.__setattr__(self, "rules", tuple(p for p in self.params if p.rule is not None))

    @property
    def full_path(self) -> str:
        return PREFIX + self.path

    @property
    def emulated(self) -> bool:
        return self.answer is not None

    by_name: dict[str, Param] = field(init=False)  # its query parameters by wire name
    required: tuple[str, ...] = field(init=False)  # the required query parameters, in order
    order: dict[str, int] = field(init=False)  # each query parameter's place in the table
    path_params: tuple[Param, ...] = field(init=False)  # in the template's order
    ram_action: str | None = field(init=False)  # aicontent:<name>, or None without a RAM check
    resolved: tuple[Param, ...] = field(init=False)  # parameters that name something in the world
    groups: tuple[str, ...] = field(init=False)  # parameter groups judged against the world together
    rules: tuple[Param, ...] = field(init=False)  # parameters with a request-only rule, in order

    def param(self, name: str) -> Param | None:
        return self.by_name.get(name)


# -- rules of the parameters shared by many actions ---------------------------------------------
def span_rule(args: dict[str, Any], limits: Limits) -> None:
    """startTime < endTime, at most max_span_days apart."""
    if "startTime" in args:
        start, end = args["startTime"], args["endTime"]
        if end <= start:
            raise errors.invalid_parameter("endTime", f"must be later than startTime ({start}), got {end}")
        if end - start > limits.max_span_days * DAY:
            raise errors.invalid_parameter(
                "endTime", f"the span from startTime to endTime is {(end - start) / DAY:g} days, "
                           f"more than the maximum of {limits.max_span_days} days")


def _one_department_filter(args: dict[str, Any], limits: Limits) -> None:
    if "clientId" in args and "clientIds" in args:
        raise errors.invalid_parameter("clientIds", "cannot be combined with clientId; use one of them")


def _key_needs_department(args: dict[str, Any], limits: Limits) -> None:
    if "apiKeyId" in args and "clientId" not in args:
        raise errors.invalid_parameter("apiKeyId", "requires clientId, the department the key belongs to")


# -- parameters shared by many actions -----------------------------------------------------------
TIME = (
    Param("startTime", "time", "Start, Unix seconds.", required=True, source="doc"),
    Param("endTime", "time", "End (exclusive), Unix seconds; later than startTime, at most max_span_days after it.",
          required=True, source="doc", rule=span_rule),
)
FILTERS = (
    Param("clientId", "id", "A department; absent: every department the caller may see.", source="doc",
          group="filters"),
    Param("clientIds", "ids", "Several departments, comma-separated; not with clientId.", group="filters",
          rule=_one_department_filter),
    Param("apiKeyId", "id", "One API key of the clientId department; requires clientId.", group="filters",
          rule=_key_needs_department),
    Param("memberUserIds", "ids", "Members, comma-separated. Absent: departments and all their members; "
                                  "empty: department-level keys only.", empty_ok=True, group="filters"),
)
MODEL_TYPES = Param("modelTypes", "types", "Model types, comma-separated (Chat, ImageGeneration, ...; "
                                           "case-insensitive, LLM = Chat, VL = ChatMultimodal).")
GRANULARITY_AUTO = Param("granularity", "choice", "Accepted and ignored: the totals do not depend on it "
                                                  "([sdk] \"Automatically aggregated. No input required\").",
                         choices=("hourly", "daily"))
MAX_RESULTS = Param("maxResults", "size", "Page size for token pagination.", high=100, source="doc")
NEXT_TOKEN = Param("nextToken", "token", "The nextToken of the previous page.", source="doc")
TOKEN_PAGING = (MAX_RESULTS, NEXT_TOKEN)
