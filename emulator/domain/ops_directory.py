"""The directory's operations on departments, members, roles, authorizations and model groups.

Each takes the draft, its checked arguments (JSON values; `org` is the caller's organisation)
and the data clock's `now`, changes the draft or raises `Refused` having changed nothing, and
returns what its answer shows.
"""

from __future__ import annotations

import dataclasses
import hashlib
from fractions import Fraction
from typing import Any

from emulator.domain.directory import Draft, Refused
from emulator.domain.scenario import MAX_DEPTH, Authorization, Department, Member, ModelGroup

Args = dict[str, Any]
BATCH = 50  # at most this many ids in a batch [sdk]
MAX_DISCOUNTS = 10_000  # discount changes one department keeps [choice]


def authorization(d: Draft, org: int, raw: Any, field: str) -> Authorization | None:
    """`{"model_ids": [...], "group_ids": [...]}` (None: every model), each id existing."""
    if raw is None:
        return None
    for mid in raw["model_ids"]:
        d.model(mid, field, org)
    for gid in raw["group_ids"]:
        d.group(org, gid, field)
    return Authorization(tuple(dict.fromkeys(raw["model_ids"])), tuple(dict.fromkeys(raw["group_ids"])))


def _batch(ids: list[int], field: str) -> None:
    if not 1 <= len(ids) <= BATCH:
        raise Refused(field, f"must list 1 to {BATCH} ids, got {len(ids)}")
    if len(set(ids)) != len(ids):
        raise Refused(field, "lists an id more than once")


def _discount(raw: Any) -> Fraction:
    """The discount as written (0.8 is 4/5, not the nearest binary fraction); none: 1."""
    return Fraction(1) if raw is None else Fraction(repr(raw))


# -- departments ----------------------------------------------------------------------------------
def create_client(d: Draft, a: Args, at: int) -> int:
    org = a["org"]
    parent = d.department(org, a["parentId"], "parentId").id if a.get("parentId") is not None else None
    level, node = 1, parent
    while node is not None:  # at most MAX_DEPTH steps: no deeper department is ever made
        level, node = level + 1, d.departments[node].parent_id
    if level > MAX_DEPTH:
        raise Refused("parentId", f"department {parent} is {level - 1} levels deep; departments nest at most "
                                  f"{MAX_DEPTH} levels")
    dep_id = d.next_id("department", lambda: d.departments)
    discount = _discount(a.get("discount"))
    d.departments[dep_id] = Department(
        dep_id, a["name"], parent, org, a.get("address") or "", a.get("contact") or "", a.get("remark") or "",
        authorization(d, org, a.get("auth"), "allowedModelGroupConfig"), discount,
        ((at, discount, a.get("remark") or ""),) if "discount" in a else (), created_at=at, modified_at=at)
    o = d.organizations[org]
    d.organizations[org] = dataclasses.replace(o, department_ids=(*o.department_ids, dep_id))
    return dep_id


def update_client(d: Draft, a: Args, at: int) -> int:
    dep = d.department(a["org"], a["id"])
    changes: dict[str, Any] = {k: a[k] for k in ("name", "address", "contact", "remark", "status") if k in a}
    if "auth" in a:
        changes["authorization"] = authorization(d, a["org"], a["auth"], "allowedModelGroupConfig")
    if "discount" in a and _discount(a["discount"]) != dep.discount:  # the discount logs list each change
        if len(dep.discounts) >= MAX_DISCOUNTS:
            raise Refused("discount", f"department {dep.id} has changed its discount {MAX_DISCOUNTS} times, "
                                      "the emulator's bound")
        changes["discount"] = _discount(a["discount"])
        changes["discounts"] = (*dep.discounts, (at, changes["discount"], a.get("remark") or ""))
    d.departments[dep.id] = dataclasses.replace(dep, **changes, modified_at=at)
    if "discounts" in changes:  # its keys are priced after it from the next whole hour on
        epochs = d.departments[dep.id].key_discounts()
        for k in [k for k in d.api_keys.values() if k.department_id == dep.id and k.discounts != epochs]:
            d.api_keys[k.id] = dataclasses.replace(k, discounts=epochs)
    return dep.id


def delete_client(d: Draft, a: Args, at: int) -> bool:
    dep = d.department(a["org"], a["id"])
    if any(x.parent_id == dep.id and x.deleted_at is None for x in d.departments.values()):
        raise Refused("id", f"department {dep.id} still has sub-departments; delete them first")
    if any(m.deleted_at is None and dep.id in {x for x, _ in m.memberships()} for m in d.members.values()):
        raise Refused("id", f"department {dep.id} still has members; delete them or move them first")
    if any(k.department_id == dep.id and k.deleted_at is None for k in d.api_keys.values()):
        raise Refused("id", f"department {dep.id} still has API keys; delete them first")
    d.departments[dep.id] = dataclasses.replace(dep, deleted_at=at, modified_at=at)
    return True


def batch_bind_model_group(d: Draft, a: Args, at: int) -> bool:
    _batch(a["clientIdList"], "clientIdList")
    deps = [d.department(a["org"], i, "clientIdList") for i in a["clientIdList"]]
    auth = authorization(d, a["org"], a["auth"], "allowedModelGroupConfig")
    for dep in deps:
        d.departments[dep.id] = dataclasses.replace(dep, authorization=auth, modified_at=at)
    return True


# -- members --------------------------------------------------------------------------------------
def _roles(d: Draft, a: Args, raw: list[dict[str, Any]] | None, field: str) -> tuple[tuple[int, str], ...]:
    """(department, role) of each entry; none: a member of the default department."""
    org = a["org"]
    if not raw:
        return ((d.default_department(a, field).id, "member"),)
    out: dict[int, str] = {}
    for i, r in enumerate(raw):
        dep = d.department(org, r["clientId"], f"{field}.{i}.clientId")
        d.in_scope(a, dep.id, f"{field}.{i}.clientId")
        if dep.id in out:
            raise Refused(f"{field}.{i}.clientId", f"names department {dep.id} twice")
        out[dep.id] = r["roleCode"]
    return tuple(out.items())


def _login_taken(d: Draft, org: int, login: str, but: int | None = None) -> None:
    scenario = d.scenario()
    for m in d.members.values():
        if m.deleted_at is None and m.id != but and d.departments[m.department_id].organization_id == org \
                and scenario.login_of(m).lower() == login.lower():
            raise Refused("loginName", f"{login!r} is the login name of member {m.id} already")


def create_user(d: Draft, a: Args, at: int) -> int:
    org = a["org"]
    roles = _roles(d, a, a.get("departmentRoles"), "departmentRoles")
    _login_taken(d, org, a["loginName"])
    member_id = d.next_id("member", lambda: d.members)
    d.members[member_id] = Member(member_id, a["name"], roles[0][0], a["loginName"], a.get("phone") or "",
                                  roles[0][1], None, roles, created_at=at)
    return member_id


def update_user(d: Draft, a: Args, at: int) -> bool:
    m = d.member(a["org"], a["id"])
    d.member_in_scope(a, m)
    d.members[m.id] = dataclasses.replace(m, **{k: a[k] for k in ("name", "phone") if k in a})
    return True


def delete_user(d: Draft, a: Args, at: int) -> bool:
    m = d.member(a["org"], a["id"])
    d.member_in_scope(a, m)
    if any(k.member_id == m.id and k.deleted_at is None for k in d.api_keys.values()):
        raise Refused("id", f"member {m.id} still has API keys; delete them first")
    d.members[m.id] = dataclasses.replace(m, deleted_at=at)
    return True


def set_user_roles(d: Draft, a: Args, at: int) -> bool:
    m = d.member(a["org"], a["id"])
    d.member_in_scope(a, m)
    roles = _roles(d, a, a["departmentRoles"], "departmentRoles")
    kept = {dep for dep, _ in roles}
    for k in d.api_keys.values():
        if k.member_id == m.id and k.deleted_at is None and k.department_id not in kept:
            raise Refused("departmentRoles", f"member {m.id} has API key {k.id} in department {k.department_id}; "
                                             "keep that department or delete the key first")
    home = m.department_id if m.department_id in kept else roles[0][0]
    d.members[m.id] = dataclasses.replace(m, department_id=home, role=dict(roles)[home], roles=roles)
    return True


def _direct_member(d: Draft, a: Args, member_id: Any, field: str) -> Member:
    dep = d.department(a["org"], a["clientId"], "clientId")
    d.in_scope(a, dep.id, "clientId")
    m = d.member(a["org"], member_id, field)
    d.member_of(m, dep, field)
    return m


def _custom(d: Draft, auth: Authorization | None, org: int) -> Authorization:
    """A member's own authorization; none given (allowedModels ""): every model the organisation
    sees now (the shared catalogue and its own)."""
    return auth if auth is not None else Authorization(tuple(
        m.id for m in d.models.values() if m.deleted_at is None and m.organization_id in (None, org)))


def set_member_authorization(d: Draft, a: Args, at: int) -> bool:
    m = _direct_member(d, a, a["id"], "id")
    auth = authorization(d, a["org"], a["auth"], "allowedModelGroupConfig")
    d.members[m.id] = dataclasses.replace(m, authorization=_custom(d, auth, a["org"]))
    return True


def reset_member_authorization(d: Draft, a: Args, at: int) -> bool:
    m = _direct_member(d, a, a["id"], "id")
    d.members[m.id] = dataclasses.replace(m, authorization=None)
    return True


def batch_set_member_authorization(d: Draft, a: Args, at: int) -> bool:
    """All or nothing [sdk]: every user must be a direct member of the department."""
    _batch(a["userIdList"], "userIdList")
    members = [_direct_member(d, a, i, "userIdList") for i in a["userIdList"]]
    auth = authorization(d, a["org"], a["auth"], "allowedModelGroupConfig")
    for m in members:
        d.members[m.id] = dataclasses.replace(m, authorization=_custom(d, auth, a["org"]))
    return True


def per_user(d: Draft, a: Args, change: Any) -> dict[str, Any]:
    """A batch over members of the department: each either changed or failed with its reason."""
    dep = d.department(a["org"], a["clientId"], "id")
    d.in_scope(a, dep.id, "id")
    _batch(a["userIds"], "userIds")
    succeeded, failed = [], []
    for user_id in a["userIds"]:
        try:
            m = _direct_member(d, a, user_id, "userIds")
            change(m)
            succeeded.append(user_id)
        except Refused as exc:
            failed.append({"reason": exc.reason, "userId": user_id})
    return {"failed": failed, "succeeded": succeeded}


def batch_reset_member_authorization(d: Draft, a: Args, at: int) -> dict[str, Any]:
    def reset(m: Member) -> None:
        d.members[m.id] = dataclasses.replace(m, authorization=None)
    return per_user(d, a, reset)


# -- model groups ---------------------------------------------------------------------------------
def _group_name(d: Draft, org: int, name: str, but: str | None = None) -> None:
    for g in d.model_groups.values():
        if g.organization_id == org and g.id != but and g.name.lower() == name.lower():
            raise Refused("name", f"a model group of your organization is named {g.name!r} already ({g.id})")


def create_model_group(d: Draft, a: Args, at: int) -> str:
    org = a["org"]
    _group_name(d, org, a["name"])
    models = tuple(dict.fromkeys(d.model(m, "modelList", org).id for m in a["modelList"]))
    gid = "mg_" + hashlib.blake2b(b"%d|%d" % (d.seed, d.serial("model_group")), digest_size=6,
                                  person=b"model-group").hexdigest()
    d.model_groups[gid] = ModelGroup(gid, a["name"], "manual", models, org, created_at=at, modified_at=at)
    o = d.organizations[org]
    d.organizations[org] = dataclasses.replace(o, model_group_ids=(*o.model_group_ids, gid))
    return gid


def update_model_group(d: Draft, a: Args, at: int) -> bool:
    g = d.group(a["org"], a["groupId"])
    if g.type == "system":
        raise Refused("groupId", f"{g.id} is a system group: it cannot be changed")
    _group_name(d, a["org"], a["name"], g.id)
    models = tuple(dict.fromkeys(d.model(m, "modelList", a["org"]).id for m in a["modelList"]))
    d.model_groups[g.id] = dataclasses.replace(g, name=a["name"], model_ids=models, modified_at=at)
    return True


def delete_model_group(d: Draft, a: Args, at: int) -> bool:
    g = d.group(a["org"], a["groupId"])
    if g.type == "system":
        raise Refused("groupId", f"{g.id} is a system group: it cannot be deleted")
    for dep in d.departments.values():
        if dep.deleted_at is None and dep.authorization is not None and g.id in dep.authorization.group_ids:
            raise Refused("groupId", f"department {dep.id} is authorized for {g.id}; unbind it first")
    for m in d.members.values():
        if m.deleted_at is None and m.authorization is not None and g.id in m.authorization.group_ids:
            raise Refused("groupId", f"member {m.id} is authorized for {g.id}; reset it first")
    del d.model_groups[g.id]
    o = d.organizations[g.organization_id]
    d.organizations[o.id] = dataclasses.replace(o, model_group_ids=tuple(x for x in o.model_group_ids if x != g.id))
    return True
