"""The directory as writes change it: a `Draft` of the scenario that named operations
(`emulator.domain.operations`) change in place, then publish as a new immutable `Scenario`.

Why so: a request reads one scenario from start to end; a write is checked and applied on a
draft first (a refusal leaves the world as it was), stored as an operation with its arguments and
its time (the data clock's `now`), and every worker applies the stored operations in order to
its scenario. The same sequence of operations gives the same ids and secrets everywhere.
Nothing is ever removed: a deleted department, member, key or model keeps its history (its
`deleted_at` set), so every figure before the deletion stays what it was.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from typing import Any

from emulator.domain.layered import DraftMap
from emulator.domain.scenario import (
    ApiKey,
    BillingRule,
    Department,
    FlowConfig,
    Member,
    Model,
    ModelGroup,
    Organization,
    Scenario,
)
from emulator.domain.wallet import Wallet

_GENERATIONS = itertools.count(1)  # the base scenario is generation 0


class Refused(Exception):
    """A write the directory cannot apply; `field` names what is wrong (a body field or a path
    parameter), `reason` why. `denied`: the caller may not (403), else the request is wrong (400)."""

    def __init__(self, field: str, reason: str, denied: bool = False) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.denied = field, reason, denied


class Draft:
    """A scenario's mappings, copied so that operations may change them."""

    def __init__(self, scenario: Scenario) -> None:
        self.base = scenario
        self.models: DraftMap[int, Model] = DraftMap(scenario.models)
        self.organizations: DraftMap[int, Organization] = DraftMap(scenario.organizations)
        self.departments: DraftMap[int, Department] = DraftMap(scenario.departments)
        self.members: DraftMap[int, Member] = DraftMap(scenario.members)
        self.api_keys: DraftMap[int, ApiKey] = DraftMap(scenario.api_keys)
        self.model_groups: DraftMap[str, ModelGroup] = DraftMap(scenario.model_groups)
        self.rules: DraftMap[int, BillingRule] = DraftMap(scenario.rules)
        self.flows: DraftMap[int, FlowConfig] = DraftMap(scenario.flows)
        self.wallets: DraftMap[tuple[int, int], Wallet] = DraftMap(scenario.wallets)
        self.idempotency: DraftMap[tuple[int, str], tuple[Any, ...]] = DraftMap(scenario.idempotency)
        self.serials: dict[str, int] = dict(scenario.serials)

    @property
    def seed(self) -> int:
        return self.base.seed

    def publish(self) -> Scenario:
        """The new scenario; the names already made from the seed carry over."""
        b = self.base
        return dataclasses.replace(
            b, models=self.models.published(), organizations=self.organizations.published(),
            departments=self.departments.published(), members=self.members.published(),
            api_keys=self.api_keys.published(), model_groups=self.model_groups.published(),
            rules=self.rules.published(), flows=self.flows.published(), serials=dict(self.serials),
            wallets=self.wallets.published(), idempotency=self.idempotency.published(),
            generation=next(_GENERATIONS), _names=b._names, _contacts=b._contacts, _fakers=b._fakers)

    def scenario(self) -> Scenario:
        """The draft as a scenario, for what reads one (names, authorizations)."""
        return self.publish()

    def serial(self, kind: str) -> int:
        """The next number of a kind of thing writes make (1, 2, ...)."""
        self.serials[kind] = self.serials.get(kind, 0) + 1
        return self.serials[kind]

    def next_id(self, kind: str, existing: Callable[[], Iterable[int]]) -> int:
        """The next id of a kind: one more than the last one made, the largest of `existing` at
        first (kept in `serials` after, so that making one costs O(1) however many there are)."""
        key = "last_id:" + kind
        last = self.serials.get(key)
        self.serials[key] = (max(existing(), default=0) if last is None else last) + 1
        return self.serials[key]

    # -- finding what an operation names --------------------------------------------------------
    def department(self, org: int, dep_id: Any, field: str = "id") -> Department:
        dep = self.departments.get(dep_id) if isinstance(dep_id, int) else None
        if dep is None or dep.organization_id != org or dep.deleted_at is not None:
            raise Refused(field, f"no department has id {dep_id} in your organization")
        return dep

    def member(self, org: int, member_id: Any, field: str = "id") -> Member:
        m = self.members.get(member_id) if isinstance(member_id, int) else None
        if m is None or m.deleted_at is not None or self.departments[m.department_id].organization_id != org:
            raise Refused(field, f"no member has id {member_id} in your organization")
        return m

    def api_key(self, org: int, key_id: Any, field: str = "id") -> ApiKey:
        k = self.api_keys.get(key_id) if isinstance(key_id, int) else None
        if k is None or k.deleted_at is not None or self.departments[k.department_id].organization_id != org:
            raise Refused(field, f"no API key has id {key_id} in your organization")
        return k

    def model(self, model_id: Any, field: str, org: int, changing: bool = False) -> Model:
        """A live model the organisation sees (the fixture's catalogue, or one it created);
        `changing`: one it may change (its own, or the catalogue when it is its owner)."""
        m = self.models.get(model_id) if isinstance(model_id, int) else None
        if m is None or m.deleted_at is not None or m.organization_id not in (None, org):
            raise Refused(field, f"no model has id {model_id} in your organization")
        if changing and m.organization_id is None and org != self.catalogue_owner:
            raise Refused(field, f"model {model_id} is of the shared catalogue, which only organization "
                                 f"{self.catalogue_owner} changes", denied=True)
        return m

    @property
    def catalogue_owner(self) -> int:
        """The organisation that changes the fixture's catalogue: its first [choice]."""
        return self.base.catalogue_owner

    def group(self, org: int, group_id: Any, field: str = "groupId") -> ModelGroup:
        g = self.model_groups.get(group_id) if isinstance(group_id, str) else None
        if g is None or g.organization_id != org:
            raise Refused(field, f"no model group has id {group_id} in your organization")
        return g

    def default_department(self, a: dict[str, Any], field: str) -> Department:
        """Where a write that names no department puts things: a scoped caller's first
        department, else the organisation's first top-level one (the "default client")."""
        scope = a.get("scope")
        org = self.organizations[a["org"]]
        ids = scope if scope is not None else [i for i in org.department_ids if self.departments[i].parent_id is None]
        live = [i for i in ids if self.departments[i].deleted_at is None]
        if not live:
            raise Refused(field, "your organization has no department for it; name one")
        return self.department(a["org"], live[0], field)

    @staticmethod
    def in_scope(a: dict[str, Any], dep_id: int, field: str) -> None:
        """A department-scoped caller (`scope`: its departments) may change only what is theirs."""
        scope = a.get("scope")
        if scope is not None and dep_id not in scope:
            raise Refused(field, f"department {dep_id} is outside your scope (departments "
                                 f"{', '.join(map(str, scope))})", denied=True)

    def member_in_scope(self, a: dict[str, Any], m: Member, field: str = "id") -> None:
        for dep_id, _ in m.memberships():
            self.in_scope(a, dep_id, field)

    def member_of(self, m: Member, dep: Department, field: str = "userIds") -> None:
        if dep.id not in {d for d, _ in m.memberships()}:
            raise Refused(field, f"member {m.id} is not a member of department {dep.id}")
