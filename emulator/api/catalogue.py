"""The actions that name things rather than count them: the cost tabs, the client (department)
tree and the model catalogue. Straight projections of the scenario, scoped to the caller."""

from __future__ import annotations

from typing import Any

from emulator.api import dto, reply
from emulator.api.call import Call
from emulator.domain.scenario import Department, Scenario
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


def _page(call: Call, items: list[str]) -> tuple[str, int]:
    first, count = call.window(len(items))
    return "[" + ",".join(items[first: first + count]) + "]", count


def tabs(call: Call) -> bytes:
    items = [dumps({"key": key, "label": label, "modelTypes": list(types)}).decode() for key, label, types in TABS]
    data, count = _page(call, items)
    return reply.body(call.request_id, data, call.paging.size or count, call.next_token(len(items)))


def client_tree(call: Call) -> bytes:
    """The departments the caller may see, as a forest: a department whose parent the caller
    cannot see is a root."""
    scenario = call.world.scenario
    visible = set(call.visible)
    below: dict[int, list[Department]] = {}  # visible departments by parent: one pass
    for d in scenario.departments.values():
        if d.id in visible and d.parent_id is not None and d.deleted_at is None:
            below.setdefault(d.parent_id, []).append(d)

    def node(dep: Department, level: int) -> dict[str, Any]:  # recursion ≤ MAX_DEPTH, checked at load
        out = dto.client_dto(scenario, dep, call.org.id)
        del out["allowedModelGroupConfig"]  # not a field of ClientTreeDTO [sdk]
        out.update(children=[node(c, level + 1) for c in below.get(dep.id, [])], level=level,
                   main=0 if level == 1 else 1, parentId=dep.parent_id if level > 1 and dep.parent_id else 0)
        return dict(sorted(out.items()))

    roots = [scenario.departments[d] for d in call.org.department_ids
             if d in visible and scenario.departments[d].parent_id not in visible
             and scenario.departments[d].deleted_at is None]
    items = [dumps(node(d, 1)).decode() for d in roots]
    data, count = _page(call, items)
    return reply.body(call.request_id, data, call.paging.size or count, call.next_token(len(items)))


def model_list(call: Call) -> bytes:
    """The catalogue: keyword, modelType and status filters, ordered, both pagination styles."""
    args = call.args
    models = [m for m in call.models(types="modelType", text="keyword") if m.deleted_at is None]
    if "status" in args:  # 1: enabled, 0: disabled (UpdateModel's status)
        models = [m for m in models if int(m.enabled) == args["status"]]
    order = args.get("orderBy", "id")
    models.sort(key=lambda m: (m.id if order == "id" else m.name if order == "name" else m.code, m.id),
                reverse=args.get("orderDirection", "ASC") == "DESC")
    rules = has_rule(call.world.scenario)
    items = [dumps(dto.model_dto(m, m.id in rules)).decode() for m in models]
    listed, count = _page(call, items)
    size = call.paging.size or count
    next_token = call.next_token(len(items))
    data = (f'{{"list":{listed},"maxResults":"{size}","nextToken":"{next_token}",'
            f'"page":{call.legacy_page},"pageSize":{size},"total":"{len(items)}"}}')
    return reply.body(call.request_id, data, size, None)


def model(call: Call) -> bytes:
    """QueryModel: one model's ModelDTO."""
    m = call.resolved["id"]
    return reply.of(call.request_id, dto.model_dto(m, m.id in has_rule(call.world.scenario)))


def has_rule(scenario: Scenario) -> set[int]:
    """The models with a billing rule: the fixture's, and those a rule was created for."""
    return {m.id for m in scenario.models.values() if not m.custom} | {r.model_id for r in scenario.rules.values()}
