"""The directory's objects as the SDK's DTOs name them (ClientDTO, ApiKeyDTO, ModelDTO,
ModelGroupDTO, ...), written once for every action that shows them.

A key is shown masked (`keyPreview`, and `key` the same preview) everywhere but where the real
API hands it out (CopyApiKey; later the answer that creates one): its secret comes from the seed
and its id, so the same scenario always has the same keys.
"""

from __future__ import annotations

import hashlib
from typing import Any

from emulator.api.text import amount
from emulator.domain.clock import iso_utc
from emulator.domain.scenario import ApiKey, Department, Member, Model, ModelGroup, Scenario

GMT = "2024-01-01T00:00:00Z"  # creation and modification times of everything the fixture states
IN_OUT = {"text": "text-text", "embedding": "text-vector", "image": "text-image", "video": "text-video",
          "speech_recognition": "audio-text", "speech_synthesis": "text-audio"}
ROLE_NAMES = {"member": "成员", "dept_admin": "部门管理员"}


def gmt(at: int | None) -> str:
    """A time as the API writes it: what a write set, else the fixture's."""
    return GMT if at is None else iso_utc(at)


def figure(minor: int) -> float:
    """0.0001 units → the JSON number the money DTOs declare as float, as written (12.3456)."""
    text = amount(minor) if minor >= 0 else "-" + amount(-minor)
    return float(text)


def client_uuid(seed: int, dep_id: int) -> str:
    return "st-" + hashlib.blake2b(b"%d|%d" % (seed, dep_id), digest_size=4, person=b"client-uuid").hexdigest()


def api_key_secret(seed: int, key_id: int) -> str:
    """The key's secret: 32 hex digits from the seed and its id (same scenario, same secret)."""
    return "sk-" + hashlib.blake2b(b"%d|%d" % (seed, key_id), digest_size=16, person=b"api-key-secret").hexdigest()


def masked(secret: str) -> str:
    """As the API previews a key: sk-xxx****xxxx [doc example "sk-xxx****xxx"]."""
    return f"{secret[:6]}****{secret[-4:]}"


def level_of(scenario: Scenario, dep: Department) -> int:
    """Depth from the organisation's root, from 1 (at most MAX_DEPTH: checked at load)."""
    level, parent = 1, dep.parent_id
    while parent is not None:
        level += 1
        parent = scenario.departments[parent].parent_id
    return level


def client_dto(scenario: Scenario, dep: Department, org_id: int) -> dict[str, Any]:
    level = level_of(scenario, dep)
    auth = dep.authorization
    return {"address": dep.address, "allowedModelGroupConfig": auth.config() if auth is not None else "",
            "allowedModels": ",".join(map(str, scenario.models_allowed(auth))),
            "clientUuid": client_uuid(scenario.seed, dep.id), "contact": dep.contact, "deleteTag": 0,
            "discount": float(dep.discount), "gmtCreate": gmt(dep.created_at),
            "gmtModified": gmt(dep.modified_at or dep.created_at), "id": dep.id, "level": level,
            "main": 0 if level == 1 else 1, "name": scenario.name_of(dep), "nodeType": "department",
            "parentId": dep.parent_id or 0, "remark": dep.remark, "userId": org_id}


def api_key_dto(scenario: Scenario, key: ApiKey, org_id: int, reveal: bool = False) -> dict[str, Any]:
    """ApiKeyDTO: its department as a ClientDTO, its member; the key masked unless `reveal`."""
    secret = api_key_secret(scenario.seed, key.id)
    member = scenario.members.get(key.member_id) if key.member_id is not None else None
    return {"client": client_dto(scenario, scenario.departments[key.department_id], org_id),
            "clientId": key.department_id, "deleteTag": 0, "gmtCreate": gmt(key.created_at),
            "gmtModified": gmt(key.modified_at or key.created_at), "id": key.id,
            "key": secret if reveal else masked(secret), "keyPreview": masked(secret),
            "memberUserId": key.member_id or 0, "memberUserName": scenario.name_of(member) if member else "",
            "name": key.name}


def key_status(key: ApiKey) -> str:
    """As UpdateApiKeyStatus names it [sdk]: active or disabled."""
    return "active" if key.enabled else "disabled"


def member_api_key_dto(scenario: Scenario, key: ApiKey, org_id: int) -> dict[str, Any]:
    """MemberApiKeyDTO: ApiKeyDTO with its status and expiry."""
    return {**api_key_dto(scenario, key, org_id), "expireAt": iso_utc(key.expire_at) if key.expire_at else "",
            "status": key_status(key)}


def model_dto(m: Model, has_rule: bool = True) -> dict[str, Any]:
    """ModelDTO; deleteTag 0 while the model is enabled, 1 once disabled [sdk]."""
    return {"apiKeyPreview": m.api_key_preview, "baseUrl": m.base_url, "deleteTag": 0 if m.enabled else 1,
            "description": m.description, "extensions": m.extensions or "{}", "gmtCreate": gmt(m.created_at),
            "gmtModified": gmt(m.modified_at or m.created_at), "hasBillingRule": has_rule, "id": m.id,
            "inOut": m.in_out or IN_OUT[m.type.name], "isCustom": m.custom,
            "maxInputLength": str(m.max_input_length), "maxOutputLength": str(m.max_output_length),
            "modelCode": m.code, "modelType": m.wire_type, "name": m.name, "symbol": m.symbol, "tagNames": m.tags,
            "tags": m.tags, "version": 1}


def model_group_dto(group: ModelGroup) -> dict[str, Any]:
    return {"gmtCreate": gmt(group.created_at), "gmtModified": gmt(group.modified_at or group.created_at),
            "groupId": group.id, "modelCount": len(group.model_ids),
            "modelList": list(group.model_ids), "name": group.name, "type": group.type}


def department_roles(scenario: Scenario, member: Member) -> list[dict[str, Any]]:
    """UserDepartmentDTO of each department the member has a role in."""
    out = []
    for dep_id, role in member.memberships():
        dep = scenario.departments[dep_id]
        out.append({"clientId": dep.id, "clientName": scenario.name_of(dep), "roleCode": role,
                    "roleName": ROLE_NAMES[role]})
    return out


def role_in(member: Member, dep_id: int) -> str:
    return dict(member.memberships()).get(dep_id, member.role)
