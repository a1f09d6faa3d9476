"""The API keys' reads: QueryApiKeyList, QueryApiKey, CopyApiKey (the one read that hands a key
out in clear), GetMemberApiKeys, QueryModelGroupsByApiKey. A key is masked everywhere else, and
never journaled: the journal keeps the request, not the answer."""

from __future__ import annotations

from emulator.api import dto, reply
from emulator.api.call import Call
from emulator.api.directory import legacy_page, page_of
from emulator.domain.scenario import ApiKey


def _visible_keys(call: Call) -> list[ApiKey]:
    scenario = call.world.scenario
    keys: list[ApiKey] = []
    for dep_id in call.visible:
        keys += scenario.keys_of_department(dep_id)
    return keys


def api_key_list(call: Call) -> bytes:
    """The keys the caller may see: clientId (its department-level keys; with includeMemberKeys
    its members' too), memberUserIds (those members' keys), keyword (name), status (1 enabled,
    0 disabled), ordered by id (or name), both paging styles."""
    scenario, args = call.world.scenario, call.args
    keys = _visible_keys(call)
    if "clientId" in args:
        dep = call.resolved["clientId"]
        keys = [k for k in keys if k.department_id == dep.id and (k.member_id is None or
                                                                   args.get("includeMemberKeys", False))]
    if "memberUserIds" in args:  # () : the departments' own keys [sdk]
        wanted = set(args["memberUserIds"])
        keys = [k for k in keys if (k.member_id in wanted if wanted else k.member_id is None)]
    if args.get("keyword"):
        needle = args["keyword"].lower()
        keys = [k for k in keys if needle in k.name.lower()]
    if "status" in args:
        keys = [k for k in keys if int(k.enabled) == args["status"]]
    reverse = args.get("orderDirection", "ASC") == "DESC"
    keys.sort(key=(lambda k: (k.name, k.id)) if args.get("orderBy") == "name" else (lambda k: k.id), reverse=reverse)
    items = [dto.api_key_dto(scenario, k, call.org.id) for k in keys]
    chosen, size = page_of(call, items)
    next_token = call.next_token(len(items))
    return reply.of(call.request_id, {"list": chosen, "maxResult": str(size), "nextToken": next_token,
                                      "page": call.legacy_page, "pageSize": size, "total": len(items)},
                    max_results=size)


def api_key(call: Call) -> bytes:
    """ApiKeyDecryptedDTO, masked all the same ([choice]: only CopyApiKey hands a key out)."""
    key = call.resolved["id"]
    data = dto.api_key_dto(call.world.scenario, key, call.org.id)
    data.pop("memberUserId")
    data.pop("memberUserName")
    return reply.of(call.request_id, data)


def copy_api_key(call: Call) -> bytes:
    """The key in clear [sdk: "copy"]: its secret comes from the seed and the key's id."""
    return reply.of(call.request_id, dto.api_key_dto(call.world.scenario, call.resolved["id"], call.org.id,
                                                     reveal=True))


def member_api_keys(call: Call) -> bytes:
    """The path's member's keys (MemberApiKeyDTO, masked): keyword (name)."""
    scenario, member = call.world.scenario, call.resolved["id"]
    keys = [k for k in scenario.keys_of_department(member.department_id) if k.member_id == member.id]
    if call.args.get("keyword"):
        needle = call.args["keyword"].lower()
        keys = [k for k in keys if needle in k.name.lower()]
    return legacy_page(call, [dto.member_api_key_dto(scenario, k, call.org.id) for k in keys])


def model_groups_by_api_key(call: Call) -> bytes:
    """Which model groups and models the key may use: its member's own authorization
    (bindType `member`), else its department's (`department`); with none, every model (`all`)."""
    scenario, key = call.world.scenario, call.resolved["id"]
    member = scenario.members.get(key.member_id) if key.member_id is not None else None
    dep = scenario.departments[key.department_id]
    if member is not None and member.authorization is not None:
        bind, auth = "member", member.authorization
    elif dep.authorization is not None:
        bind, auth = "department", dep.authorization
    else:
        bind, auth = "all", None
    groups = [dto.model_group_dto(scenario.model_groups[g]) for g in (auth.group_ids if auth else ())
              if g in scenario.model_groups]
    standalone = list(auth.model_ids) if auth else [m.id for m in call.models()]
    return reply.of(call.request_id, {"bindType": bind, "clientId": dep.id, "groups": groups,
                                      "standaloneModelList": standalone})
