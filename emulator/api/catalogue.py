"""The actions that name things rather than count them: the cost tabs, the client (department)
tree and the model catalogue. Straight projections of the scenario, scoped to the caller."""

from __future__ import annotations

import hashlib
from typing import Any

from emulator.api import reply
from emulator.api.call import Call
from emulator.domain.scenario import Department, Model
from emulator.render import dumps

# The console's tabs [choice]: `all` [doc], then a partition of the model types [sdk vocabulary].
TABS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("all", "全部", ()),
    ("chat", "对话", ("Chat",)),
    ("omni", "全模态", ("ChatMultimodal", "ChatFullmodal")),
    ("vision", "视觉", ("ImageGeneration", "ImageEdit", "VideoGeneration", "VideoImageGeneration")),
    ("embedding", "向量", ("Embedding", "Rerank", "MultimodalEmbedding", "MultimodalRerank")),
    ("speech", "语音", ("ASR", "TTS")),
)
GMT = "2024-01-01T00:00:00Z"  # creation and modification times of everything the fixture states
IN_OUT = {"text": "text-text", "embedding": "text-vector", "image": "text-image", "video": "text-video",
          "speech_recognition": "audio-text", "speech_synthesis": "text-audio"}


def _page(call: Call, items: list[str]) -> tuple[str, int]:
    first, count = call.window(len(items))
    return "[" + ",".join(items[first: first + count]) + "]", count


def tabs(call: Call) -> bytes:
    items = [dumps({"key": key, "label": label, "modelTypes": list(types)}).decode() for key, label, types in TABS]
    data, count = _page(call, items)
    return reply.body(call.request_id, data, call.paging.size or count, call.next_token(len(items)))


def _uuid(seed: int, dep_id: int) -> str:
    return "st-" + hashlib.blake2b(b"%d|%d" % (seed, dep_id), digest_size=4, person=b"client-uuid").hexdigest()


def client_tree(call: Call) -> bytes:
    """The departments the caller may see, as a forest: a department whose parent the caller
    cannot see is a root."""
    scenario = call.world.scenario
    visible = set(call.visible)
    allowed = ",".join(str(m) for m in scenario.models)
    below: dict[int, list[Department]] = {}  # visible departments by parent: one pass
    for d in scenario.departments.values():
        if d.id in visible and d.parent_id is not None:
            below.setdefault(d.parent_id, []).append(d)

    def node(dep: Department, level: int) -> dict[str, Any]:  # recursion ≤ MAX_DEPTH, checked at load
        children = below.get(dep.id, [])
        return {"address": "", "allowedModels": allowed, "children": [node(c, level + 1) for c in children],
                "clientUuid": _uuid(scenario.seed, dep.id), "contact": "", "deleteTag": 0, "discount": 1.0,
                "gmtCreate": GMT, "gmtModified": GMT, "id": dep.id, "level": level, "main": 0 if level == 1 else 1,
                "name": scenario.name_of(dep), "nodeType": "department",
                "parentId": dep.parent_id if level > 1 and dep.parent_id is not None else 0,
                "remark": "", "userId": call.org.id}

    roots = [scenario.departments[d] for d in call.org.department_ids
             if d in visible and scenario.departments[d].parent_id not in visible]
    items = [dumps(node(d, 1)).decode() for d in roots]
    data, count = _page(call, items)
    return reply.body(call.request_id, data, call.paging.size or count, call.next_token(len(items)))


def _model_dto(m: Model) -> dict[str, Any]:
    return {"apiKeyPreview": "", "baseUrl": "", "deleteTag": 0, "description": "", "extensions": "{}",
            "gmtCreate": GMT, "gmtModified": GMT, "hasBillingRule": True, "id": m.id, "inOut": IN_OUT[m.type.name],
            "isCustom": False, "maxInputLength": "", "maxOutputLength": "", "modelCode": m.code,
            "modelType": m.wire_type, "name": m.name, "symbol": m.symbol, "tagNames": "", "tags": "", "version": 1}


def model_list(call: Call) -> bytes:
    """The catalogue: keyword, modelType and status filters, ordered, both pagination styles."""
    args = call.args
    models = list(call.models(types="modelType", text="keyword"))
    if args.get("status", 1) != 1:  # every model of the catalogue is enabled (status 1)
        models = []
    order = args.get("orderBy", "id")
    models.sort(key=lambda m: (m.id if order == "id" else m.name if order == "name" else m.code, m.id),
                reverse=args.get("orderDirection", "ASC") == "DESC")
    items = [dumps(_model_dto(m)).decode() for m in models]
    listed, count = _page(call, items)
    size = call.paging.size or count
    next_token = call.next_token(len(items))
    data = (f'{{"list":{listed},"maxResults":"{size}","nextToken":"{next_token}",'
            f'"page":{call.legacy_page},"pageSize":{size},"total":"{len(items)}"}}')
    return reply.body(call.request_id, data, size, None)
