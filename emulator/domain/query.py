"""A cost query: which keys the filters cover, and one page of a model's rows.

Filters ([sdk] semantics, README "The request"):
- departments: `clientId` or `clientIds`; neither means every department the caller may see;
- members: absent → departments with all their members; empty → department-level keys only;
  a list → those members' keys;
- `apiKeyId` narrows to one key of the `clientId` department.
Every figure is a sum over the selected keys, so parts always add up to their whole.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from emulator import errors
from emulator.domain.events import UsageEvent
from emulator.domain.figures import Figures
from emulator.domain.keyset import KeySet
from emulator.domain.scenario import ApiKey, Model, Organization, Scenario
from emulator.domain.timeline import Timeline


class Filters(NamedTuple):
    """The department, member and key filters a request gives (the same for every action)."""

    department_ids: tuple[int, ...] | None = None  # None: not filtered
    member_ids: tuple[int, ...] | None = None  # None: absent; (): department only
    api_key_id: int | None = None
    departments_from: str = "clientId"  # which parameter named them

    @classmethod
    def of(cls, args: dict[str, Any]) -> Filters:
        if "clientId" in args:
            return cls((args["clientId"],), args.get("memberUserIds"), args.get("apiKeyId"), "clientId")
        return cls(args.get("clientIds"), args.get("memberUserIds"), args.get("apiKeyId"), "clientIds")


class DataState(NamedTuple):
    """What a request's figures depend on besides the query, taken once per request: the data
    clock's cutoff, the usage events in force, and whether empty buckets are omitted."""

    cutoff: int
    events: tuple[UsageEvent, ...] = ()
    omit_empty: bool = False
    now: int = 0  # the data clock's now (the cutoff is it less the lag)


@dataclass(slots=True)
class Page:
    """Rows [offset, offset + count) of the listed rows, as one flat sequence of figures:
    row-major, one figure per column (derived sums included), the amount last in 0.0001 元.
    The listed rows are every bucket of the timeline, or (empty buckets omitted) those with usage."""

    model: Model
    timeline: Timeline
    offset: int
    limit: int
    count: int
    flat: list[int]
    total: int  # rows listed, whatever the page
    stamps: list[int]  # each row's bucket start

    @property
    def next_offset(self) -> int | None:
        end = self.offset + self.limit
        return end if end < self.total else None


def model_of(scenario: Scenario, model_id: int) -> Model:
    model = scenario.models.get(model_id)
    if model is None:
        raise errors.invalid_parameter("modelId", f"no model has id {model_id}")
    return model


def check_departments(scenario: Scenario, org: Organization, sel: Filters) -> None:
    """Each department of the filter must exist in the caller's organisation."""
    for dep_id in sel.department_ids or ():
        dep = scenario.departments.get(dep_id)
        if dep is None or dep.organization_id != org.id:
            raise errors.invalid_parameter(sel.departments_from, f"no department has id {dep_id} in your organization")


SELECTIONS_KEPT = 256  # key selections remembered per directory (a write makes a new directory)


def select_keys(scenario: Scenario, org: Organization, visible: Iterable[int], sel: Filters) -> tuple[ApiKey, ...]:
    """The API keys whose usage the selection sums; unknown members or keys are refused. The
    same selection of the same directory gives the same KeySet (remembered, bounded)."""
    memo = scenario.selections
    key = (org.id, tuple(visible), sel)
    found = memo.get(key)
    if found is None:
        found = KeySet(_select(scenario, org, key[1], sel))
        if len(memo) >= SELECTIONS_KEPT:
            memo.clear()
        memo[key] = found
    return found


_TWINS: weakref.WeakKeyDictionary[ApiKey, ApiKey] = weakref.WeakKeyDictionary()
_TWINS_LOCK = threading.Lock()


def list_priced(scenario: Scenario, keys: tuple[ApiKey, ...]) -> tuple[ApiKey, ...]:
    """The keys priced before their department's discount (the cost reads under the form
    `discounted_amounts=payable`): each discounted key's twin without its discounts, the same
    twin for as long as the key lives, so the figures' caches keyed by key stay warm; the same
    KeySet when no key of the directory is discounted (the common case costs a lookup)."""
    if not scenario.discounted:
        return keys
    memo = scenario.selections
    found = memo.get(("list priced", keys))
    if found is None:
        with _TWINS_LOCK:
            twins = []
            for k in keys:
                twin = _TWINS.get(k) if k.discounts else k
                if twin is None:
                    twin = _TWINS[k] = dataclasses.replace(k, discounts=())
                twins.append(twin)
        found = memo[("list priced", keys)] = KeySet(twins)
    return found


def _select(scenario: Scenario, org: Organization, visible: Iterable[int], sel: Filters) -> tuple[ApiKey, ...]:
    check_departments(scenario, org, sel)
    departments = set(sel.department_ids) if sel.department_ids is not None else set(visible)
    for member_id in sel.member_ids or ():
        member = scenario.members.get(member_id)
        if member is None or scenario.departments[member.department_id].organization_id != org.id:
            raise errors.invalid_parameter("memberUserIds", f"no member has id {member_id} in your organization")
        if member.department_id not in departments:
            raise errors.invalid_parameter(
                "memberUserIds", f"member {member_id} does not belong to the selected department(s)")
    if sel.api_key_id is not None:
        key = scenario.api_keys.get(sel.api_key_id)
        if key is None or key.department_id not in departments:
            raise errors.invalid_parameter(
                "apiKeyId", f"no API key has id {sel.api_key_id} in department "
                            f"{','.join(map(str, sorted(departments)))}")
    keys = [k for k in scenario.api_keys.values() if k.department_id in departments]
    if sel.member_ids is not None:  # () keeps department-level keys; a list keeps those members'
        wanted = set(sel.member_ids)
        keys = [k for k in keys if (k.member_id in wanted if wanted else k.member_id is None)]
    if sel.api_key_id is not None:
        keys = [k for k in keys if k.id == sel.api_key_id]
    return tuple(keys)


def page(figures: Figures, state: DataState, model: Model, keys: tuple[ApiKey, ...], timeline: Timeline,
         offset: int, limit: int) -> Page:
    """The rows [offset, offset + limit) of the listed rows; with every bucket listed, only those
    rows are computed. Omitting empty buckets needs the whole span (at most max_span_days rows or
    hourly_max_days × 24) to know which rows exist and how many."""
    w = figures.gen.width(model)
    if not state.omit_empty:
        count = max(0, min(offset + limit, timeline.total) - offset)
        flat = figures.rows(model, keys, timeline, offset, count, state.cutoff, state.events)
        first = timeline.bucket(offset)
        stamps = list(range(first, first + count * timeline.step, timeline.step))
        return Page(model, timeline, offset, limit, count, flat, timeline.total, stamps)
    every = figures.rows(model, keys, timeline, 0, timeline.total, state.cutoff, state.events)
    listed = [i for i in range(timeline.total) if any(every[i * w: (i + 1) * w])]
    chosen = listed[offset: offset + limit]
    flat = [x for i in chosen for x in every[i * w: (i + 1) * w]]
    return Page(model, timeline, offset, limit, len(chosen), flat, len(listed), [timeline.bucket(i) for i in chosen])
