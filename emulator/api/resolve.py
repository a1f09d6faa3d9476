"""What the parameters name in the caller's world, judged once the caller is known (after the RAM
check): each parameter with `resolve` is looked up by its resolver, in the table's order, and
each parameter group by its group's resolver. An unknown or foreign id is InvalidParameter
naming the parameter; a department outside a scoped caller's scope is DeniedException.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator import errors
from emulator.api.spec import Action, Param
from emulator.api.world import World
from emulator.auth.accounts import Account
from emulator.auth.permission import check_scope, department_in_scope
from emulator.domain import query
from emulator.domain.scenario import ApiKey, Organization


@dataclass
class Resolution:
    """What a call's parameters name: entities by parameter name, and the keys the filters select."""

    world: World
    account: Account
    org: Organization
    visible: tuple[int, ...]
    args: dict[str, Any]
    entities: dict[str, Any] = field(default_factory=dict)
    keys: tuple[ApiKey, ...] = ()


def _model(r: Resolution, p: Param, value: Any) -> Any:
    """A model of the catalogue, a deleted one too: the figures keep its history."""
    model = r.world.scenario.models.get(value)
    if model is None or not r.world.scenario.sees_model(model, r.org.id):
        raise errors.invalid_parameter(p.name, f"no model has id {value}")
    return model


def _live_model(r: Resolution, p: Param, value: Any) -> Any:
    """A model of the catalogue as it is now (the catalogue's reads)."""
    model = _model(r, p, value)
    if model.deleted_at is not None:
        raise errors.invalid_parameter(p.name, f"no model has id {value}")
    return model


def _department(r: Resolution, p: Param, value: Any) -> Any:
    """A department of the caller's organisation, not deleted (the directory's reads)."""
    dep = r.world.scenario.departments.get(value)
    if dep is None or dep.organization_id != r.org.id or dep.deleted_at is not None:
        raise errors.invalid_parameter(p.name, f"no department has id {value} in your organization")
    if p.scoped:
        department_in_scope(r.account, value)
    return dep


def _member(r: Resolution, p: Param, value: Any) -> Any:
    """A member of the caller's organisation; of the path's department where the path names one."""
    scenario = r.world.scenario
    member = scenario.members.get(value)
    if member is None or member.deleted_at is not None or \
            scenario.departments[member.department_id].organization_id != r.org.id:
        raise errors.invalid_parameter(p.name, f"no member has id {value} in your organization")
    dep = r.entities.get("clientId")
    departments = [d for d, _ in member.memberships()]
    if dep is not None and dep.id not in departments:
        raise errors.invalid_parameter(p.name, f"member {value} does not belong to department {dep.id}")
    department_in_scope(r.account, dep.id if dep is not None else member.department_id)
    return member


def _members(r: Resolution, p: Param, value: Any) -> Any:
    """Each member of a list, of the caller's organisation and in its scope."""
    return [_member(r, p, m) for m in value]


def _api_key(r: Resolution, p: Param, value: Any) -> Any:
    scenario = r.world.scenario
    key = scenario.api_keys.get(value)
    if key is None or key.deleted_at is not None or \
            scenario.departments[key.department_id].organization_id != r.org.id:
        raise errors.invalid_parameter(p.name, f"no API key has id {value} in your organization")
    department_in_scope(r.account, key.department_id)
    return key


def _model_group(r: Resolution, p: Param, value: Any) -> Any:
    group = r.world.scenario.model_groups.get(value)
    if group is None or group.organization_id != r.org.id:
        raise errors.invalid_parameter(p.name, f"no model group has id {errors.echo(str(value))} in your organization")
    return group


RESOLVERS: dict[str, Callable[[Resolution, Param, Any], Any]] = {
    "model": _model,
    "live_model": _live_model,
    "department": _department,
    "member": _member,
    "members": _members,
    "api_key": _api_key,
    "model_group": _model_group,
}


def _filters(r: Resolution) -> None:
    """The department, member and key filters: each must exist in the caller's organisation,
    then the departments must be in the caller's scope; they select the keys the figures sum."""
    filters = query.Filters.of(r.args)
    r.keys = query.select_keys(r.world.scenario, r.org, r.visible, filters)
    if r.world.forms.discounted_amounts == "payable":  # the cost reads: before the discount
        r.keys = query.list_priced(r.world.scenario, r.keys)
    check_scope(r.account, filters)


GROUPS: dict[str, Callable[[Resolution], None]] = {"filters": _filters}


def resolve(action: Action, r: Resolution) -> Resolution:
    for p in action.resolved:
        if p.name in r.args:
            assert p.resolve is not None
            r.entities[p.name] = RESOLVERS[p.resolve](r, p, r.args[p.name])
    for group in action.groups:
        GROUPS[group](r)
    return r
