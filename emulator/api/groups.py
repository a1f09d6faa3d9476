"""Model groups' reads: QueryModelGroupList, QueryModelGroup and the group's models, departments
and members (QueryModelGroupModels, QueryModelGroupClients, QueryModelGroupUsers). A group is
bound to a department or a member by their authorization (`allowedModelGroupConfig`)."""

from __future__ import annotations

from typing import Any

from emulator.api import dto, reply
from emulator.api.call import Call
from emulator.api.directory import page_of
from emulator.domain.scenario import ApiKey, ModelGroup


def _paged(call: Call, items: list[Any]) -> bytes:
    """`{list, page, pageSize, total}` with the top-level maxResults and nextToken [sdk]."""
    chosen, size = page_of(call, items)
    return reply.of(call.request_id, {"list": chosen, "page": call.legacy_page, "pageSize": size,
                                      "total": len(items)}, max_results=size, next_token=call.next_token(len(items)))


def group_list(call: Call) -> bytes:
    """The organisation's groups: keyword (part of the name), type (system, manual or all)."""
    scenario, args = call.world.scenario, call.args
    groups = [scenario.model_groups[g] for g in call.org.model_group_ids]
    if args.get("type", "all") != "all":
        groups = [g for g in groups if g.type == args["type"]]
    if args.get("keyword"):
        groups = [g for g in groups if args["keyword"].lower() in g.name.lower()]
    return _paged(call, [dto.model_group_dto(g) for g in groups])


def group(call: Call) -> bytes:
    return reply.of(call.request_id, dto.model_group_dto(call.resolved["groupId"]))


def group_models(call: Call) -> bytes:
    """ModelGroupModelDTO of each model of the group: keyword (name or code)."""
    scenario, grp = call.world.scenario, call.resolved["groupId"]
    needle = (call.args.get("keyword") or "").lower()
    items = [{"id": m.id, "modelCode": m.code, "modelType": m.wire_type, "name": m.name, "platform": m.symbol,
              "version": "1"}
             for m in (scenario.models[i] for i in grp.model_ids)
             if needle in m.name.lower() or needle in m.code.lower()]
    return _paged(call, items)


def _key_items(keys: list[ApiKey], seed: int) -> list[dict[str, Any]]:
    return [{"id": k.id, "keyPreview": dto.masked(dto.api_key_secret(seed, k.id)), "name": k.name} for k in keys]


def _binds(grp: ModelGroup, group_ids: tuple[str, ...]) -> bool:
    return grp.id in group_ids


def group_clients(call: Call) -> bytes:
    """The visible departments whose authorization names the group, with their own keys."""
    scenario, grp = call.world.scenario, call.resolved["groupId"]
    items = []
    for dep_id in call.visible:
        dep = scenario.departments[dep_id]
        if dep.authorization is not None and _binds(grp, dep.authorization.group_ids):
            keys = [k for k in scenario.keys_of_department(dep_id) if k.member_id is None]
            items.append({"apiKeys": _key_items(keys, scenario.seed), "clientId": dep.id,
                          "clientName": scenario.name_of(dep)})
    return _paged(call, items)


def group_users(call: Call) -> bytes:
    """The visible departments' members whose own authorization names the group, with their keys."""
    scenario, grp = call.world.scenario, call.resolved["groupId"]
    items = []
    for dep_id in call.visible:
        for m in scenario.members_of_department(dep_id):
            if m.authorization is not None and _binds(grp, m.authorization.group_ids):
                keys = [k for k in scenario.keys_of_department(dep_id) if k.member_id == m.id]
                items.append({"apiKeys": _key_items(keys, scenario.seed), "userId": m.id,
                              "userName": scenario.name_of(m)})
    return _paged(call, items)
