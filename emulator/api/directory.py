"""The directory's reads: departments (QueryClientList, SearchClientTree), members
(ListDeptMembers, QueryUserList, GetUserRoles). Projections of the scenario, scoped to the
caller: a department-scoped caller sees its own departments and their members only."""

from __future__ import annotations

from typing import Any

from emulator.api import dto, reply
from emulator.api.call import Call
from emulator.api.dto import figure
from emulator.domain.scenario import Department, Member


def page_of(call: Call, items: list[Any]) -> tuple[list[Any], int]:
    """This call's page of `items` and its size."""
    first, count = call.window(len(items))
    return items[first: first + count], call.paging.size or count


def legacy_page(call: Call, items: list[Any], **extra: Any) -> bytes:
    """`{list, page, pageSize, total}` (the SDK's paged `data`), no top-level paging fields."""
    chosen, size = page_of(call, items)
    return reply.of(call.request_id, {"list": chosen, "page": call.legacy_page, "pageSize": size,
                                      "total": len(items), **extra})


def visible_departments(call: Call) -> list[Department]:
    """The departments the caller may see that are not deleted (the figures see those too)."""
    scenario = call.world.scenario
    return [d for d in (scenario.departments[i] for i in call.visible) if d.deleted_at is None]


def _matches(text: str | None, *fields: str) -> bool:
    if not text:
        return True
    needle = text.lower()
    return any(needle in f.lower() for f in fields)


def client_list(call: Call) -> bytes:
    """The departments the caller may see, flat. Form `client_list`: `leaves` (default: only
    departments without sub-departments [client evidence]) or `all`."""
    scenario, args = call.world.scenario, call.args
    deps = visible_departments(call)
    if call.world.forms.client_list == "leaves":  # leaves of what the caller sees
        seen = {d.id for d in deps}
        deps = [d for d in deps if not any(c.id in seen for c in scenario.children_of(d.id))]
    if "parentId" in args:
        deps = [d for d in deps if d.parent_id == args["parentId"]]
    deps = [d for d in deps if _matches(args.get("keyword"), scenario.name_of(d))]
    if "status" in args:
        deps = [d for d in deps if d.status == args["status"]]
    reverse = args.get("orderDirection", "ASC") == "DESC"
    if args.get("orderBy") == "name":
        deps.sort(key=lambda d: (scenario.name_of(d), d.id), reverse=reverse)
    else:
        deps.sort(key=lambda d: d.id, reverse=reverse)
    items = [dto.client_dto(scenario, d, call.org.id) for d in deps]
    chosen, size = page_of(call, items)
    return reply.of(call.request_id, {"list": chosen, "maxResults": str(size), "nextToken": call.next_token(len(items)),
                                      "page": call.legacy_page, "pageSize": size, "total": len(items)})


def search_client_tree(call: Call) -> bytes:
    """The ids of the visible departments whose name, or a member's name, login name or phone,
    holds the keyword (case-insensitive); no keyword: every visible department."""
    scenario, keyword = call.world.scenario, call.args.get("keyword")
    matched = []
    for dep in visible_departments(call):
        members = scenario.members_of_department(dep.id)
        if _matches(keyword, scenario.name_of(dep)) or any(
                _matches(keyword, scenario.name_of(m), scenario.login_of(m), scenario.phone_of(m)) for m in members):
            matched.append(dep.id)
    return reply.of(call.request_id, {"matchedDeptIds": sorted(matched)})


def _member_dto(call: Call, m: Member, dep: Department, authorization: bool) -> dict[str, Any]:
    scenario = call.world.scenario
    auth = m.authorization if m.authorization is not None else dep.authorization
    keys = [k for k in scenario.keys_of_department(dep.id) if k.member_id == m.id]
    role = dto.role_in(m, dep.id)
    return {"allowedModels": ",".join(map(str, scenario.models_allowed(auth))) if authorization else "",
            "authConfig": "custom" if m.authorization is not None else "inherit", "gmtCreate": dto.gmt(m.created_at),
            "id": m.id, "keyCount": len(keys) if authorization else 0, "loginName": scenario.login_of(m),
            "name": scenario.name_of(m), "phone": scenario.phone_of(m), "roleCode": role,
            "roleName": dto.ROLE_NAMES[role]}


def dept_members(call: Call) -> bytes:
    """The direct members of the path's department: keyword (name, login name, phone), authConfig
    (inherit or custom), model (members authorized for it); includeAuthorization adds the models
    they may use and their key count."""
    scenario, args = call.world.scenario, call.args
    dep = call.resolved["id"]
    members = []
    for m in scenario.members_of_department(dep.id):
        if not _matches(args.get("keyword"), scenario.name_of(m), scenario.login_of(m), scenario.phone_of(m)):
            continue
        if args.get("authConfig") and args["authConfig"] != ("custom" if m.authorization is not None else "inherit"):
            continue
        auth = m.authorization if m.authorization is not None else dep.authorization
        if "model" in args and args["model"] not in scenario.models_allowed(auth):
            continue
        members.append(_member_dto(call, m, dep, bool(args.get("includeAuthorization"))))
    if args.get("includeBalance"):  # each member's wallet in this department, as GetMemberBalance has it
        for row in members:
            ledger = call.world.ledgers.of(scenario, (dep.id, row["id"]), call.state,
                                           call.world.forms.exhaustion == "throttle")
            pools = ledger.pools if ledger is not None else (0, 0)
            row["permanentBalance"], row["monthlyBalance"] = figure(pools[0]), figure(pools[1])
    return legacy_page(call, members)


def user_list(call: Call) -> bytes:
    """The members of the departments the caller may see: keyword (name, login name; with phone,
    both must match), phone (exact)."""
    scenario, args = call.world.scenario, call.args
    visible = {d.id for d in visible_departments(call)}
    items = []
    for m in scenario.members.values():
        if m.deleted_at is not None or not any(dep_id in visible for dep_id, _ in m.memberships()):
            continue
        if not _matches(args.get("keyword"), scenario.name_of(m), scenario.login_of(m)):
            continue
        if args.get("phone") and scenario.phone_of(m) != args["phone"]:
            continue
        items.append({"departments": dto.department_roles(scenario, m), "gmtCreate": dto.gmt(m.created_at), "id": m.id,
                      "loginName": scenario.login_of(m), "name": scenario.name_of(m), "phone": scenario.phone_of(m)})
    return legacy_page(call, items)


def user_roles(call: Call) -> bytes:
    member = call.resolved["id"]
    return reply.of(call.request_id, {"departmentRoles": dto.department_roles(call.world.scenario, member)})
