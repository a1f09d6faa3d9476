"""The directory's objects as the SDK's DTOs name them (ClientDTO, ApiKeyDTO, ModelDTO,
ModelGroupDTO, ...), written once for every action that shows them.

A key is shown masked (`keyPreview`, and `key` the same preview) everywhere but where the real
API hands it out (CopyApiKey; later the answer that creates one): its secret comes from the seed
and its id, so the same scenario always has the same keys.
"""

from __future__ import annotations

import hashlib
from typing import Any

from emulator.domain.scenario import ApiKey, Department, Member, Model, ModelGroup, Scenario

GMT = "2024-01-01T00:00:00Z"  # creation and modification times of everything the fixture states
IN_OUT = {"text": "text-text", "embedding": "text-vector", "image": "text-image", "video": "text-video",
          "speech_recognition": "audio-text", "speech_synthesis": "text-audio"}
ROLE_NAMES = {"member": "成员", "dept_admin": "部门管理员"}


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
            "discount": 1.0, "gmtCreate": GMT, "gmtModified": GMT, "id": dep.id, "level": level,
            "main": 0 if level == 1 else 1, "name": scenario.name_of(dep), "nodeType": "department",
            "parentId": dep.parent_id or 0, "remark": dep.remark, "userId": org_id}


def api_key_dto(scenario: Scenario, key: ApiKey, org_id: int, reveal: bool = False) -> dict[str, Any]:
    """ApiKeyDTO: its department as a ClientDTO, its member; the key masked unless `reveal`."""
    secret = api_key_secret(scenario.seed, key.id)
    member = scenario.members.get(key.member_id) if key.member_id is not None else None
    return {"client": client_dto(scenario, scenario.departments[key.department_id], org_id),
            "clientId": key.department_id, "deleteTag": 0, "gmtCreate": GMT, "gmtModified": GMT, "id": key.id,
            "key": secret if reveal else masked(secret), "keyPreview": masked(secret),
            "memberUserId": key.member_id or 0, "memberUserName": scenario.name_of(member) if member else "",
            "name": key.name}


def key_status(key: ApiKey) -> str:
    return "enabled" if key.enabled else "disabled"


def member_api_key_dto(scenario: Scenario, key: ApiKey, org_id: int) -> dict[str, Any]:
    """MemberApiKeyDTO: ApiKeyDTO with its status and expiry."""
    from emulator.domain.clock import iso_utc

    return {**api_key_dto(scenario, key, org_id), "expireAt": iso_utc(key.expire_at) if key.expire_at else "",
            "status": key_status(key)}


def model_dto(m: Model) -> dict[str, Any]:
    return {"apiKeyPreview": "", "baseUrl": "", "deleteTag": 0, "description": m.description, "extensions": "{}",
            "gmtCreate": GMT, "gmtModified": GMT, "hasBillingRule": True, "id": m.id, "inOut": IN_OUT[m.type.name],
            "isCustom": False, "maxInputLength": str(m.max_input_length), "maxOutputLength": str(m.max_output_length),
            "modelCode": m.code, "modelType": m.wire_type, "name": m.name, "symbol": m.symbol, "tagNames": m.tags,
            "tags": m.tags, "version": 1}


def model_group_dto(group: ModelGroup) -> dict[str, Any]:
    return {"gmtCreate": GMT, "gmtModified": GMT, "groupId": group.id, "modelCount": len(group.model_ids),
            "modelList": list(group.model_ids), "name": group.name, "type": group.type}


def department_role(scenario: Scenario, member: Member) -> dict[str, Any]:
    """UserDepartmentDTO: the member's department and role there."""
    dep = scenario.departments[member.department_id]
    return {"clientId": dep.id, "clientName": scenario.name_of(dep), "roleCode": member.role,
            "roleName": ROLE_NAMES[member.role]}
