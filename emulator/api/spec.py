"""How an API action is stated: its path, parameters (wire name, kind, rule), pagination, RAM
action and the function that answers. The action table (`emulator.api.table`) is made of these;
routing, parameter parsing, the RAM check, the OpenAPI document and the README's parameter
tables all read it, so a parameter is stated once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.domain.clock import MAX_INSTANT

if TYPE_CHECKING:
    from emulator.api.call import Call

PREFIX = "/api/v1/modelRouter/open/"
VERSION = "20240611"
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
PAGING = frozenset({"page", "pageIndex", "pageSize", "maxResults", "nextToken"})


@dataclass(frozen=True)
class Param:
    """One query parameter. `kind` says how it is read (see `emulator.api.parsing`):
    model (an existing model id), id (a positive id), time (Unix seconds), page (1..2^31-1),
    size (1..`high`), ids (comma list of ids; `empty_ok` allows ""), token, choice (one of
    `choices`), types (comma list of model types), text (at most `high` characters), bool, int."""

    name: str
    kind: str
    description: str
    required: bool = False
    high: int = 0
    choices: tuple[str, ...] = ()
    empty_ok: bool = False
    source: str = "sdk"  # where the parameter is known from: doc, sdk or choice

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON schema, for the OpenAPI document."""
        int64: dict[str, Any] = {"type": "integer", "format": "int64"}
        schemas: dict[str, dict[str, Any]] = {
            "model": {**int64, "minimum": 1},
            "id": {**int64, "minimum": 1},
            "time": {**int64, "minimum": 0, "maximum": MAX_INSTANT - 1},
            "page": {"type": "integer", "format": "int32", "minimum": 1, "maximum": INT32_MAX},
            "size": {"type": "integer", "format": "int32", "minimum": 1, "maximum": self.high},
            "ids": {"type": "string", "pattern": r"^([0-9]+(,[0-9]+)*)?$" if self.empty_ok else r"^[0-9]+(,[0-9]+)*$"},
            "token": {"type": "string", "maxLength": 512},
            "choice": {"type": "string", "enum": list(self.choices)},
            "types": {"type": "string", "pattern": r"^[A-Za-z]+(,[A-Za-z]+)*$"},
            "text": {"type": "string", "maxLength": self.high},
            "bool": {"type": "string", "enum": ["true", "false"]},
            "int": {"type": "integer", "format": "int32"},
        }
        return schemas[self.kind]


@dataclass(frozen=True)
class Action:
    """One emulated action of the product."""

    name: str  # the action, as in x-acs-action and the RAM action aicontent:<name>
    path: str  # under PREFIX
    summary: str
    params: tuple[Param, ...]
    answer: Callable[[Call], bytes]
    response: str  # the name of its success schema in the OpenAPI document
    schemas: dict[str, Any]  # the schemas of its answer, by name
    sdk_method: str
    ram: bool = True  # False: the action has no RAM check ([doc] "No authorization for this operation")
    default_size: int | None = None  # rows per page when the request names none; None: all of them
    max_size: int = 100
    legacy_default_size: int = 20
    check: Callable[[dict[str, Any]], None] | None = None  # a rule of its own, judged from the request alone

    def __post_init__(self) -> None:  # derived once: read on every request
        object.__setattr__(self, "by_name", {p.name: p for p in self.params})
        object.__setattr__(self, "ram_action", f"aicontent:{self.name}" if self.ram else None)
        object.__setattr__(self, "filters", "clientId" in self.by_name)

    @property
    def full_path(self) -> str:
        return PREFIX + self.path

    by_name: dict[str, Param] = field(init=False)  # its parameters by wire name
    ram_action: str | None = field(init=False)  # aicontent:<name>, or None without a RAM check
    filters: bool = field(init=False)  # whether it takes the shared department/member/key filters

    def param(self, name: str) -> Param | None:
        return self.by_name.get(name)


# -- parameters shared by many actions -----------------------------------------------------------
TIME = (
    Param("startTime", "time", "Start, Unix seconds.", required=True, source="doc"),
    Param("endTime", "time", "End (exclusive), Unix seconds; later than startTime, at most max_span_days after it.",
          required=True, source="doc"),
)
FILTERS = (
    Param("clientId", "id", "A department; absent: every department the caller may see.", source="doc"),
    Param("clientIds", "ids", "Several departments, comma-separated; not with clientId."),
    Param("apiKeyId", "id", "One API key of the clientId department; requires clientId."),
    Param("memberUserIds", "ids", "Members, comma-separated. Absent: departments and all their members; "
                                  "empty: department-level keys only.", empty_ok=True),
)
MODEL_TYPES = Param("modelTypes", "types", "Model types, comma-separated (Chat, ImageGeneration, ...; "
                                           "case-insensitive, LLM = Chat, VL = ChatMultimodal).")
GRANULARITY_AUTO = Param("granularity", "choice", "Accepted and ignored: the totals do not depend on it "
                                                  "([sdk] \"Automatically aggregated. No input required\").",
                         choices=("hourly", "daily"))
MAX_RESULTS = Param("maxResults", "size", "Page size for token pagination.", high=100, source="doc")
NEXT_TOKEN = Param("nextToken", "token", "The nextToken of the previous page.", source="doc")
TOKEN_PAGING = (MAX_RESULTS, NEXT_TOKEN)
