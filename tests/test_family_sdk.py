"""The billing family's seven new actions through the official SDK's own methods: every field
parsed into the SDK's types, every filter, and pagination walked to the end."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from family_helpers import COST, decode, minor, sdk
from helpers import DAY, MARCH_1

from emulator.server import Emulator

USAGE_KEYS = ["total_calls", "input_tokens", "output_tokens", "total_tokens", "image_count", "video_duration",
              "asr_duration", "characters"]
CODES = {1: "qwen-plus", 2: "qwen-max", 3: "qwen-turbo", 4: "qwen-long", 5: "deepseek-v3", 6: "qwen-vl-plus",
         7: "text-embedding-v3", 8: "wanx2.1-t2i-turbo", 9: "wanx2.1-t2v-turbo", 10: "wanx2.1-i2v-plus",
         11: "paraformer-v2", 12: "cosyvoice-v2"}


def test_overview_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "overview")
    keys = [m.key for m in body.data]
    assert keys == USAGE_KEYS + ["model_count", "total_amount"]
    assert all(isinstance(m, models.MetricValueDTO) for m in body.data)
    by_key = {m.key: m for m in body.data}
    count = by_key["model_count"]
    assert (count.label, count.unit, count.value) == ("模型数", "个", 12)
    assert (by_key["total_amount"].label, by_key["total_amount"].unit) == ("消费金额", "元")
    assert (by_key["total_calls"].label, by_key["total_calls"].unit) == ("调用次数", "次")
    assert by_key["total_tokens"].value == by_key["input_tokens"].value + by_key["output_tokens"].value
    assert isinstance(by_key["total_amount"].value, float) and by_key["total_amount"].value > 0
    assert body.max_results == 10 and body.next_token == ""


def test_trend_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "trend")
    data = body.data
    assert isinstance(data, models.CostQueryTrendDTO)
    assert (data.default_metric, data.granularity) == ("total_amount", "hourly")
    assert [m.key for m in data.metrics] == USAGE_KEYS + ["model_count", "total_amount"]
    assert all(isinstance(m, models.MetricDefRespDTO) and m.sortable is True and m.label and m.unit
               for m in data.metrics)
    assert [p.timestamp for p in data.points] == [MARCH_1 + h * 3600 for h in range(48)]
    first = data.points[0]
    assert isinstance(first, models.TrendPointDTO) and isinstance(first.values, str)
    assert list(json.loads(first.values)) == [m.key for m in data.metrics]  # no timestamp inside
    assert body.max_results == 48 and body.next_token == ""
    assert sdk(aicontent_client, "trend", end_time=MARCH_1 + 8 * DAY).data.granularity == "daily"
    explicit = sdk(aicontent_client, "trend", granularity="daily")
    assert (explicit.data.granularity, [p.timestamp for p in explicit.data.points]) == ("daily", [MARCH_1,
                                                                                                  MARCH_1 + DAY])


def test_cost_model_list_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "models")
    data = body.data
    assert isinstance(data, models.CostQueryModelsDTO)
    assert (data.id_field, data.name_field) == ("model_id", "model_name")
    assert [c.key for c in data.columns] == USAGE_KEYS + ["total_amount"]
    assert len(data.rows) == 12 and body.max_results == 20 and body.next_token == ""
    row = data.rows[0]
    assert isinstance(row, models.ModelRowDTO) and isinstance(row.model_id, int)
    assert row.model_code == CODES[row.model_id] and row.model_name
    amounts = [minor(json.loads(r.values)["total_amount"]) for r in data.rows]
    assert amounts == sorted(amounts, reverse=True)
    for r in data.rows:
        assert list(json.loads(r.values)) == [c.key for c in data.columns]


def test_tabs(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "tabs")
    assert all(isinstance(t, models.CostTabDTO) for t in body.data)
    assert [(t.key, t.label, t.model_types) for t in body.data] == [
        ("all", "全部", []), ("chat", "对话", ["Chat"]), ("omni", "全模态", ["ChatMultimodal", "ChatFullmodal"]),
        ("vision", "视觉", ["ImageGeneration", "ImageEdit", "VideoGeneration", "VideoImageGeneration"]),
        ("embedding", "向量", ["Embedding", "Rerank", "MultimodalEmbedding", "MultimodalRerank"]),
        ("speech", "语音", ["ASR", "TTS"])]
    assert body.max_results == 6 and body.next_token == ""


def test_bill_summary_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "summary")
    assert isinstance(body.data, models.BillingBillSummaryRespDTO)
    assert [p.timestamp for p in body.data.points] == [MARCH_1 + h * 3600 for h in range(48)]
    assert all(isinstance(p, models.BillingBillSummaryPointDTO) for p in body.data.points)
    assert sum(minor(p.total_amount) for p in body.data.points) == minor(body.data.total_amount) > 0
    overview = {m.key: m.value for m in sdk(aicontent_client, "overview").data}
    assert minor(body.data.total_amount) == minor(overview["total_amount"])
    assert body.max_results == 48 and body.next_token == ""


def _flatten(nodes: list[Any]) -> list[Any]:
    return [n for node in nodes for n in [node, *_flatten(node.children)]]


def test_client_tree_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "tree")
    root = body.data[0]
    assert isinstance(root, models.ClientTreeDTO) and len(body.data) == 1 and body.next_token == ""
    assert (root.id, root.name, root.level, root.main, root.parent_id) == (1, "总部", 1, 0, 0)
    assert [c.id for c in root.children] == [2, 3]
    assert [c.id for c in root.children[0].children] == [4]
    for node in _flatten(body.data):
        assert re.fullmatch(r"st-[0-9a-f]{8}", node.client_uuid)
        assert (node.discount, node.delete_tag, node.user_id, node.node_type) == (1.0, 0, 10001, "department")
        assert isinstance(node.gmt_create, str) and isinstance(node.gmt_modified, str)
        assert node.allowed_models == ",".join(map(str, range(1, 13)))
        assert node.main == (0 if node.level == 1 else 1)
    deep = root.children[0].children[0]
    assert (deep.level, deep.parent_id, deep.name) == (3, 2, "数据智能组")
    assert len({n.client_uuid for n in _flatten(body.data)}) == 4


def test_model_list_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "catalogue", need_total_count=True)
    data = body.data
    assert (data.total, data.max_results, data.page, data.page_size) == ("12", "20", 1, 20)
    assert body.max_results == 20 and not hasattr(body, "next_token") and data.next_token == ""
    first = data.list[0]
    assert isinstance(first, models.ModelDTO)
    assert (first.id, first.name, first.model_code, first.model_type, first.symbol) == (
        1, "通义千问-Plus", "qwen-plus", "Chat", "qwen")
    assert isinstance(first.max_input_length, str) and isinstance(first.gmt_create, str)
    assert (first.version, first.delete_tag, first.is_custom, first.has_billing_rule) == (1, 0, False, True)
    assert [m.model_type for m in data.list] == ["Chat"] * 5 + [
        "ChatMultimodal", "Embedding", "ImageGeneration", "VideoGeneration", "VideoImageGeneration", "ASR", "TTS"]
    assert {m.id: m.model_code for m in data.list} == CODES


# -- filters ---------------------------------------------------------------------------------
def figures(client: Any, name: str, **kw: Any) -> Counter:
    """The additive figures of a cost action's answer (model_count aside), zeros dropped."""
    body = sdk(client, name, **kw)
    out: Counter = Counter()
    if name == "overview":
        out.update({m.key: minor(m.value) if m.key == "total_amount" else m.value for m in body.data
                    if m.key != "model_count"})
    elif name == "trend":
        out.update({(p.timestamp, k): v for p in body.data.points for k, v in decode(p.values).items()
                    if k != "model_count"})
    elif name == "models":
        out.update({(r.model_id, k): v for r in body.data.rows for k, v in decode(r.values).items()})
    else:
        out.update({p.timestamp: minor(p.total_amount) for p in body.data.points})
        out["total"] = minor(body.data.total_amount)
    return Counter({k: v for k, v in out.items() if v})


def total(*parts: Counter) -> Counter:
    out: Counter = Counter()
    for p in parts:
        assert p, "an empty part proves nothing"
        out.update(p)
    return out


@pytest.mark.parametrize("name", COST)
def test_filters_compose(aicontent_client: Any, name: str) -> None:
    def f(**kw: Any) -> Counter:
        return figures(aicontent_client, name, **kw)

    deps = {d: f(client_id=d) for d in (1, 2, 3, 4)}
    assert f() == total(*deps.values())
    assert f(client_ids="2,3") == total(deps[2], deps[3])
    assert f(client_ids="1,2,3,4") == f()
    dept_only = f(client_id=2, member_user_ids="")
    members = {m: f(client_id=2, member_user_ids=str(m)) for m in (1001, 1002, 1003)}
    assert deps[2] == total(dept_only, *members.values())
    assert f(member_user_ids="1001,1002") == total(members[1001], members[1002])
    assert f(client_id=2, api_key_id=5104) == dept_only
    assert members[1001] == total(f(client_id=2, api_key_id=5101), f(client_id=2, api_key_id=5105))


def _row_ids(client: Any, **kw: Any) -> list[int]:
    return [r.model_id for r in sdk(client, "models", end_time=MARCH_1 + 10 * DAY, **kw).data.rows]


def test_model_types_aliases_and_unknown(aicontent_client: Any) -> None:
    assert sorted(_row_ids(aicontent_client)) == list(range(1, 13))
    assert sorted(_row_ids(aicontent_client, model_types="Chat")) == [1, 2, 3, 4, 5]
    assert sorted(_row_ids(aicontent_client, model_types="LLM")) == [1, 2, 3, 4, 5]
    assert _row_ids(aicontent_client, model_types="vl") == [6]
    assert sorted(_row_ids(aicontent_client, model_types="chat,TTS")) == [1, 2, 3, 4, 5, 12]
    assert sorted(_row_ids(aicontent_client, model_types="VIDEOGENERATION,videoimagegeneration,asr")) == [9, 10, 11]
    assert _row_ids(aicontent_client, model_types="Rerank") == []
    assert sorted(_row_ids(aicontent_client, model_types="Chat,NoSuchType")) == [1, 2, 3, 4, 5]
    assert _row_ids(aicontent_client, model_types="ChatMultimodal", search="qwen") == [6]
    assert _row_ids(aicontent_client, model_types="TTS", search="qwen") == []
    nothing = sdk(aicontent_client, "summary", model_id=1, model_types="TTS").data
    assert minor(nothing.total_amount) == 0 and all(minor(p.total_amount) == 0 for p in nothing.points)
    unknown = sdk(aicontent_client, "overview", model_types="NoSuchType").data
    assert [(m.key, m.value) for m in unknown] == [("total_calls", 0), ("model_count", 0), ("total_amount", 0)]
    chat = {m.key: m.value for m in sdk(aicontent_client, "overview", model_types="Chat").data}
    assert list(chat) == ["total_calls", "input_tokens", "output_tokens", "total_tokens", "model_count",
                          "total_amount"]
    rows = sdk(aicontent_client, "models", model_types="LLM").data.rows
    assert minor(chat["total_amount"]) == sum(decode(r.values)["total_amount"] for r in rows)
    summary = sdk(aicontent_client, "summary", model_types="llm").data
    assert minor(summary.total_amount) == minor(chat["total_amount"])
    trend = sdk(aicontent_client, "trend", model_types="NoSuchType").data
    assert len(trend.points) == 48 and all(decode(p.values) == {"total_calls": 0, "model_count": 0,
                                                                "total_amount": 0} for p in trend.points)


@pytest.mark.parametrize("search, ids", [
    ("QWEN", [1, 2, 3, 4, 6]), ("万相", [8, 9, 10]), ("T2", [8, 9]), ("通义千问-", [1, 2, 3, 4]),
    ("cosyvoice-V2", [12]), ("no-such-model", [])])
def test_search(aicontent_client: Any, search: str, ids: list[int]) -> None:
    assert sorted(_row_ids(aicontent_client, search=search)) == ids


def test_bill_summary_model_id(aicontent_client: Any) -> None:
    rows = {r.model_id: decode(r.values) for r in sdk(aicontent_client, "models").data.rows}
    for model in (1, 6, 10, 12):
        one = sdk(aicontent_client, "summary", model_id=model).data
        assert minor(one.total_amount) == rows[model]["total_amount"] > 0
        assert sum(minor(p.total_amount) for p in one.points) == minor(one.total_amount)


@pytest.mark.parametrize("kw, ids", [
    ({}, list(range(1, 13))),
    ({"keyword": "QWEN"}, [1, 2, 3, 4, 6]),
    ({"keyword": "qwen-vl"}, [6]),
    ({"keyword": "语音"}, [11, 12]),
    ({"model_type": "Chat"}, [1, 2, 3, 4, 5]),
    ({"model_type": "llm"}, [1, 2, 3, 4, 5]),
    ({"model_type": "chat,TTS"}, [1, 2, 3, 4, 5, 12]),
    ({"model_type": "VL"}, [6]),
    ({"model_type": "ImageGeneration", "keyword": "wanx"}, [8]),
    ({"model_type": "Unknown"}, []),
    ({"status": 1}, list(range(1, 13))),
    ({"status": 0}, []),
    ({"status": 2}, []),
    ({"order_direction": "DESC"}, list(range(12, 0, -1))),
    ({"order_by": "modelCode"}, sorted(CODES, key=CODES.get)),
    ({"order_by": "modelCode", "order_direction": "DESC"}, sorted(CODES, key=CODES.get, reverse=True)),
    ({"order_by": "name", "keyword": "qwen-", "group_by": "modelType"}, [4, 2, 1, 3, 6]),
    ({"order_by": "id", "order_direction": "ASC", "need_total_count": False}, list(range(1, 13))),
])
def test_model_list_filters(aicontent_client: Any, kw: dict, ids: list[int]) -> None:
    data = sdk(aicontent_client, "catalogue", page_size=100, **kw).data
    assert [m.id for m in data.list] == ids and data.total == str(len(ids))
    if "order_by" in kw and kw["order_by"] == "name":
        names = [m.name for m in data.list]
        assert names == sorted(names)


# -- pagination ------------------------------------------------------------------------------
def _items(name: str, body: Any) -> list[Any]:
    data = body.data
    if name in ("overview", "tabs", "tree"):
        return [m.to_map() for m in data]
    return [x.to_map() for x in {"trend": lambda: data.points, "models": lambda: data.rows,
                                 "summary": lambda: data.points, "catalogue": lambda: data.list}[name]()]


@pytest.mark.parametrize("name, sizes", [
    ("overview", [3, 1, 4]), ("trend", [7, 30, 1]), ("models", [5, 2]), ("tabs", [4, 1]), ("summary", [10, 33]),
    ("tree", [1]), ("catalogue", [5, 3])])
def test_token_walk_gives_the_whole_list(aicontent_client: Any, name: str, sizes: list[int]) -> None:
    whole = _items(name, sdk(aicontent_client, name, **({"max_results": 100} if name == "models" else {})))
    seen, token, pages = [], None, 0
    while True:
        size = sizes[pages % len(sizes)]
        body = sdk(aicontent_client, name, max_results=size, next_token=token)
        page = _items(name, body)
        assert len(page) <= size and body.max_results == size
        if name == "catalogue":
            assert body.data.max_results == str(size)
        seen += page
        pages += 1
        token = body.data.next_token if name == "catalogue" else body.next_token
        if not token:
            break
    assert seen == whole and len(whole) > 0
    assert pages >= -(-len(whole) // max(sizes))


def test_model_list_page_index(aicontent_client: Any) -> None:
    pages = [sdk(aicontent_client, "catalogue", page_index=i, page_size=5).data for i in (1, 2, 3, 4)]
    assert [[m.id for m in p.list] for p in pages] == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12], []]
    assert [(p.page, p.page_size, p.total, p.max_results) for p in pages] == [(i, 5, "12", "5") for i in (1, 2, 3, 4)]
    assert sdk(aicontent_client, "catalogue", page_index=2, page_size=5, order_direction="DESC").data.list[0].id == 7
    token, seen = None, []
    for page in (1, 2, 3):  # the token style numbers its pages too
        data = sdk(aicontent_client, "catalogue", max_results=5, next_token=token).data
        assert (data.page, data.page_size, data.max_results) == (page, 5, "5")
        seen += [m.id for m in data.list]
        token = data.next_token
    assert token == "" and seen == list(range(1, 13))


@pytest.fixture(scope="module")
def strict() -> Iterator[Emulator]:
    with Emulator(auth="required") as emu:
        yield emu


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_signatures_over_every_kind_of_value(strict: Emulator, algorithm: str | None) -> None:
    """With auth=required, both SDK signatures hold over Chinese text, reserved characters, commas
    and empty values in the family's queries."""
    client = strict.client("readonly", signature_algorithm=algorithm)
    assert sorted(r.model_id for r in sdk(client, "models", search="通义千问-").data.rows) == [1, 2, 3, 4]
    assert sdk(client, "models", search="a b+c&d=e%f/~*'()").data.rows == []
    assert sdk(client, "trend", model_types="Chat,TTS", client_id=2, member_user_ids="").data.points
    assert sdk(client, "summary", client_ids="2,3", member_user_ids="1001,1004", model_id=12).data.total_amount > 0
    assert sdk(client, "catalogue", keyword="千问 VL", order_by="name", need_total_count=False).data.total == "0"
    assert sdk(client, "catalogue", keyword="通义千问VL", group_by="a,b").data.total == "1"
    assert len(sdk(client, "tabs", max_results=2).data) == 2
