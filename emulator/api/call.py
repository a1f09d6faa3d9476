"""One accepted call of an action, as the pipeline hands it to the action's answer: who asks,
what they asked (typed), what that names in the world, which keys it covers, how it pages, and
the world and data state it is answered from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from emulator.api.parsing import Paging
from emulator.api.spec import Action
from emulator.api.world import World
from emulator.auth.accounts import Account
from emulator.domain.query import DataState
from emulator.domain.scenario import ApiKey, Model, Organization
from emulator.domain.timeline import Timeline


@dataclass(slots=True)
class Call:
    action: Action
    args: dict[str, Any]  # path and query parameters, typed
    request_id: str
    account: Account
    org: Organization
    keys: tuple[ApiKey, ...]  # the keys the filters select (every visible key without filters)
    visible: tuple[int, ...]  # the departments the caller may see
    state: DataState
    paging: Paging
    offset: int  # the first item of the page
    fingerprint: bytes  # binds page tokens to the action, the query and the caller's scope
    world: World
    resolved: dict[str, Any]  # what the parameters with `resolve` name: the model, the department, ...
    body: BaseModel | dict[str, Any] | None = None  # the validated JSON body of a write

    @property
    def double_encoded(self) -> bool:
        return self.world.forms.values_encoding == "double"

    def next_token(self, total: int) -> str:
        """The token of the page after this one, or "" when this page reaches the end."""
        size = self.paging.size
        if size is None or self.offset + size >= total:
            return ""
        return self.world.tokens.issue(self.offset + size, self.fingerprint)

    def window(self, total: int) -> tuple[int, int]:
        """(first, count) of this page's items among `total`."""
        size = total if self.paging.size is None else self.paging.size
        first = min(self.offset, total)
        return first, max(0, min(first + size, total) - first)

    @property
    def legacy_page(self) -> int:
        size = self.paging.size
        if self.paging.token_style and size:
            return self.offset // size + 1
        return self.paging.page

    def timeline(self) -> Timeline:
        """The buckets of the asked span, hourly up to hourly_max_days, daily beyond."""
        return Timeline.for_span(self.args["startTime"], self.args["endTime"], self.world.hourly_max_days)

    def models(self, types: str = "modelTypes", text: str = "search") -> Sequence[Model]:
        """The model set M: the catalogue narrowed by modelId, the model types and the text
        (a case-insensitive part of the name or code), when given; the model list names its
        filters `modelType` and `keyword`."""
        scenario = self.world.scenario
        models: Sequence[Model] = tuple(scenario.models.values())
        if scenario.created_models:
            models = [m for m in models if scenario.sees_model(m, self.org.id)]
        if "modelId" in self.args:
            models = [m for m in models if m.id == self.args["modelId"]]
        if types in self.args:
            wanted = set(self.args[types])
            models = [m for m in models if m.wire_type.lower() in wanted]
        if self.args.get(text):
            needle = self.args[text].lower()
            models = [m for m in models if needle in m.name.lower() or needle in m.code.lower()]
        return models
