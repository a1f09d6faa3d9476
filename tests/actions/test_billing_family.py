"""What the billing family's actions share, tested over several of them at once: the raw wire
(key order, JSON types, top-level paging fields, canonical bodies, double-encoded values), filters
and model types that compose, token walks, the validation cases shared with model-detail, I9
(names and departments agree everywhere), the OpenAPI document against the SDK's models, and RAM
account by account. What is particular to one action is in its own tests/actions/test_<action>.py."""

from __future__ import annotations

import inspect
import json
import re
from collections import Counter
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models as sdk_models
from alibabacloud_tea_openapi.exceptions import ClientException
from family_helpers import (
    ACTIONS,
    COST,
    DENIED,
    MESSAGES,
    NEW,
    NO_ORG,
    REQUESTS,
    call,
    cost_row_ids,
    decode,
    is_int,
    minor,
    ok,
    refused,
    sdk,
    walk,
)
from family_helpers import SPAN as SDK_SPAN
from helpers import DAY, MARCH_1, SHARED_INVALID, error_of
from kit import assert_invalid

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}
ENVELOPE = ["requestId", "success", "httpStatusCode", "data", "maxResults", "nextToken"]
METRIC_DEF = ["key", "label", "sortable", "unit"]
AMOUNT = re.compile(r'(?:total_amount\\*"|"totalAmount"|"元","value"):(-?\d+(?:\.\d+)?)')


def params(name: str, **extra: Any) -> dict[str, Any]:
    return {**(SPAN if name in COST else {}), **extra}


@pytest.mark.parametrize("name", NEW)
def test_envelope_order_and_top_level_paging(aicontent_emulator: Emulator, name: str) -> None:
    r = call(aicontent_emulator.url, name, params(name))
    body = ok(r)
    assert r.headers["content-type"] == "application/json;charset=utf-8"
    assert body["requestId"] == r.headers["x-acs-request-id"] and body["success"] is True
    assert body["httpStatusCode"] == 200 and is_int(body["maxResults"])
    if name == "catalogue":  # top-level maxResults only; the token is in data
        assert list(body) == ENVELOPE[:-1]
        paged = ok(call(aicontent_emulator.url, name, {"maxResults": 5}))
        assert list(paged) == ENVELOPE[:-1] and paged["maxResults"] == 5 and paged["data"]["nextToken"]
        return
    assert list(body) == ENVELOPE
    items = body["data"] if isinstance(body["data"], list) else body["data"][
        {"trend": "points", "models": "rows", "summary": "points"}[name]]
    assert body["nextToken"] == ""
    assert body["maxResults"] == (20 if name == "models" else len(items)) and len(items) > 0
    if len(items) > 1:
        paged = ok(call(aicontent_emulator.url, name, params(name, maxResults=1)))
        assert list(paged) == ENVELOPE and paged["maxResults"] == 1 and isinstance(paged["nextToken"], str)
        assert len(paged["nextToken"]) > 10


def test_trend_and_cost_models_types(aicontent_emulator: Emulator) -> None:
    trend = ok(call(aicontent_emulator.url, "trend", SPAN))["data"]
    assert list(trend) == ["defaultMetric", "granularity", "metrics", "points"]
    assert all(list(m) == METRIC_DEF and m["sortable"] is True for m in trend["metrics"])
    for point in trend["points"]:
        assert list(point) == ["timestamp", "values"] and is_int(point["timestamp"])
        assert isinstance(point["values"], str)
        inner = json.loads(point["values"])
        assert list(inner) == [m["key"] for m in trend["metrics"]]
        assert isinstance(inner.pop("total_amount"), float) and all(is_int(v) for v in inner.values())
    models = ok(call(aicontent_emulator.url, "models", SPAN))["data"]
    assert list(models) == ["columns", "idField", "nameField", "rows"]
    assert all(list(c) == METRIC_DEF for c in models["columns"])
    for row in models["rows"]:
        assert list(row) == ["modelCode", "modelId", "modelName", "values"]
        assert is_int(row["modelId"]) and isinstance(row["values"], str)
        inner = json.loads(row["values"])
        assert list(inner) == [c["key"] for c in models["columns"]]
        assert isinstance(inner.pop("total_amount"), float) and all(is_int(v) for v in inner.values())


def test_tabs_and_bill_summary_types(aicontent_emulator: Emulator) -> None:
    for tab in ok(call(aicontent_emulator.url, "tabs"))["data"]:
        assert list(tab) == ["key", "label", "modelTypes"] and all(isinstance(t, str) for t in tab["modelTypes"])
    summary = ok(call(aicontent_emulator.url, "summary", SPAN))["data"]
    assert list(summary) == ["points", "totalAmount"] and isinstance(summary["totalAmount"], float)
    for point in summary["points"]:
        assert list(point) == ["timestamp", "totalAmount"]
        assert is_int(point["timestamp"]) and isinstance(point["totalAmount"], float)


def canonical(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize("encoding", ["single", "double"])
@pytest.mark.parametrize("empty", ["zero", "omit"])
def test_bodies_are_canonical_json(aicontent_emulator: Emulator, encoding: str, empty: str) -> None:
    aicontent_emulator.set_forms(values_encoding=encoding, empty_buckets=empty)
    double = encoding == "double"
    base = aicontent_emulator.url
    for span in (3600, DAY, 9 * DAY, 366 * DAY):
        q = {"startTime": MARCH_1 - 7 * 3600, "endTime": MARCH_1 - 7 * 3600 + span}
        for name in NEW:
            for extra in ({}, {"maxResults": 3}, {"modelTypes": "Chat,TTS"} if name in COST else {}):
                raw = call(base, name, {**(q if name in COST else {}), **extra}).content
                assert raw == canonical(raw), (name, span)
                for amount in AMOUNT.findall(raw.decode()):  # at most 4 decimals, as a float prints
                    assert repr(float(amount)) == amount and len(amount.partition(".")[2]) <= 4
                data = json.loads(raw)["data"]
                values = [] if not isinstance(data, dict) else data.get("points", []) + data.get("rows", [])
                for v in (x["values"] for x in values if "values" in x):
                    inner = json.loads(v)
                    if double:
                        assert isinstance(inner, str) and json.dumps(json.loads(inner), separators=(",", ":")) \
                            == inner
                    else:
                        assert json.dumps(inner, separators=(",", ":")) == v


def test_double_encoded_values_decode_twice(aicontent_emulator: Emulator) -> None:
    base = aicontent_emulator.url
    single = {n: ok(call(base, n, SPAN))["data"] for n in COST}
    aicontent_emulator.set_forms(values_encoding="double")
    double = {n: ok(call(base, n, SPAN))["data"] for n in COST}
    assert double["overview"] == single["overview"] and double["summary"] == single["summary"]
    for name, key in (("trend", "points"), ("models", "rows")):
        assert len(double[name][key]) == len(single[name][key]) > 0
        for a, b in zip(single[name][key], double[name][key]):
            assert isinstance(json.loads(b["values"]), str)
            assert decode(b["values"], double=True) == decode(a["values"]) and decode(a["values"])
            assert {k: v for k, v in a.items() if k != "values"} == {k: v for k, v in b.items() if k != "values"}


def test_unknown_parameters_are_ignored(aicontent_emulator: Emulator) -> None:
    base = aicontent_emulator.url
    for name in NEW:
        plain = ok(call(base, name, params(name)))["data"]
        extra = {"page": "0", "Foo": "bar", "regionId": "cn-shanghai"}
        if name != "summary":
            extra["modelId"] = "999"
        assert ok(call(base, name, params(name, **extra)))["data"] == plain, name


# -- several actions at once: filters and model types ------------------------------------------
def figures(client: Any, name: str, **kw: Any) -> Counter:
    """The additive figures of a cost action's answer (model_count and the overview's avg_tokens, a
    ratio, aside), zeros dropped."""
    body = sdk(client, name, **kw)
    out: Counter = Counter()
    if name == "overview":
        out.update({m.key: minor(m.value) if m.key == "total_amount" else m.value for m in body.data
                    if m.key not in ("model_count", "avg_tokens")})
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


def test_model_types_aliases_and_unknown(aicontent_client: Any) -> None:
    assert sorted(cost_row_ids(aicontent_client)) == list(range(1, 13))
    assert sorted(cost_row_ids(aicontent_client, model_types="Chat")) == [1, 2, 3, 4, 5]
    assert sorted(cost_row_ids(aicontent_client, model_types="LLM")) == [1, 2, 3, 4, 5]
    assert cost_row_ids(aicontent_client, model_types="vl") == [6]
    assert sorted(cost_row_ids(aicontent_client, model_types="chat,TTS")) == [1, 2, 3, 4, 5, 12]
    assert sorted(cost_row_ids(aicontent_client, model_types="VIDEOGENERATION,videoimagegeneration,asr")) == [9, 10, 11]
    assert cost_row_ids(aicontent_client, model_types="Rerank") == []
    assert sorted(cost_row_ids(aicontent_client, model_types="Chat,NoSuchType")) == [1, 2, 3, 4, 5]
    assert cost_row_ids(aicontent_client, model_types="ChatMultimodal", search="qwen") == [6]
    assert cost_row_ids(aicontent_client, model_types="TTS", search="qwen") == []
    nothing = sdk(aicontent_client, "summary", model_id=1, model_types="TTS").data
    assert minor(nothing.total_amount) == 0 and all(minor(p.total_amount) == 0 for p in nothing.points)
    unknown = sdk(aicontent_client, "overview", model_types="NoSuchType").data
    assert [(m.key, m.value) for m in unknown] == [("total_calls", 0), ("model_count", 0), ("total_amount", 0)]
    chat = {m.key: m.value for m in sdk(aicontent_client, "overview", model_types="Chat").data}
    assert list(chat) == ["total_calls", "input_tokens", "output_tokens", "total_tokens", "avg_tokens",
                          "model_count", "total_amount"]
    assert chat["avg_tokens"] == round(chat["total_tokens"] / chat["total_calls"], 2) > 0
    rows = sdk(aicontent_client, "models", model_types="LLM").data.rows
    assert minor(chat["total_amount"]) == sum(decode(r.values)["total_amount"] for r in rows)
    summary = sdk(aicontent_client, "summary", model_types="llm").data
    assert minor(summary.total_amount) == minor(chat["total_amount"])
    trend = sdk(aicontent_client, "trend", model_types="NoSuchType").data
    assert len(trend.points) == 48 and all(decode(p.values) == {"total_calls": 0, "model_count": 0,
                                                                "total_amount": 0} for p in trend.points)


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


# -- validation shared with model-detail, and its edges ---------------------------------------
SHARED = SHARED_INVALID  # the time span, filter and token cases model-detail has too


@pytest.mark.parametrize("action", COST)
@pytest.mark.parametrize("change, name, reason", SHARED, ids=[f"{n}:{r}" for _, n, r in SHARED])
def test_shared_cases_answer_as_model_detail(aicontent_emulator: Emulator, action: str, change: dict, name: str,
                                             reason: str) -> None:
    body = assert_invalid(call(aicontent_emulator.url, action, {**SPAN, **change}), name, reason)
    detail = error_of(call(aicontent_emulator.url, "detail", {"modelId": 1, **SPAN, **change}))
    assert (body["Code"], body["Message"]) == (detail["Code"], detail["Message"])


@pytest.mark.parametrize("action", COST)
@pytest.mark.parametrize("missing", ["startTime", "endTime"])
def test_missing_parameter(aicontent_emulator: Emulator, action: str, missing: str) -> None:
    r = call(aicontent_emulator.url, action, {k: v for k, v in SPAN.items() if k != missing})
    assert r.status_code == 400
    body = error_of(r)
    assert (body["Code"], body["Message"]) == ("MissingParameter", f'The input parameter "{missing}" that is '
                                               "mandatory for processing this request is not supplied.")


@pytest.mark.parametrize("action", ["overview", "tabs", "catalogue"])
def test_parameter_given_twice_and_xml_form(aicontent_emulator: Emulator, action: str) -> None:
    query = f"startTime={MARCH_1}&endTime={MARCH_1 + DAY}&maxResults=2&maxResults=2"
    r = httpx.get(f"{aicontent_emulator.url}{ACTIONS[action][1]}?{query}")  # Accept: */* → XML
    assert r.headers["content-type"] == "text/xml;charset=utf-8"
    assert_invalid(r, "maxResults", "was given more than once")


def test_accepted_edges(aicontent_emulator: Emulator) -> None:
    """The limits themselves are accepted: 31 days hourly, 366 days, 128 characters, every
    granularity on every action that takes one."""
    base = aicontent_emulator.url
    hourly = ok(call(base, "trend", {"startTime": MARCH_1, "endTime": MARCH_1 + 31 * DAY, "granularity": "hourly"}))
    assert hourly["data"]["granularity"] == "hourly" and len(hourly["data"]["points"]) == 31 * 24
    for action in ("overview", "models"):  # accepted and ignored: the same answer either way
        plain = ok(call(base, action, {**SPAN, "endTime": MARCH_1 + 40 * DAY}))["data"]
        for g in ("hourly", "daily"):
            assert ok(call(base, action, {**SPAN, "endTime": MARCH_1 + 40 * DAY, "granularity": g}))["data"] == plain
    year = {"startTime": MARCH_1, "endTime": MARCH_1 + 366 * DAY}
    assert len(ok(call(base, "trend", {**year, "granularity": "daily"}))["data"]["points"]) == 366
    assert len(ok(call(base, "summary", year))["data"]["points"]) == 366
    assert ok(call(base, "models", {**SPAN, "search": "x" * 128}))["data"]["rows"] == []
    assert ok(call(base, "models", {**SPAN, "search": "语" * 128}))["data"]["rows"] == []
    assert ok(call(base, "catalogue", {"keyword": "k" * 128, "groupBy": "g" * 64}))["data"]["total"] == "0"
    assert ok(call(base, "catalogue", {"status": "-2147483648", "needTotalCount": "false"}))["data"]["list"] == []


# -- I9: names and departments agree everywhere -----------------------------------------------
SPAN_30_DAYS = {"startTime": MARCH_1, "endTime": MARCH_1 + 30 * DAY}
NAMES = {1: "总部", 2: "研发中心", 3: "市场部", 4: "数据智能组", 11: "运营部"}


def tree_ids(nodes: list[dict[str, Any]]) -> list[int]:
    return [i for n in nodes for i in [n["id"], *tree_ids(n["children"])]]


def tree_names(nodes: list[dict[str, Any]]) -> dict[int, str]:
    return {k: v for n in nodes for k, v in [(n["id"], n["name"]), *tree_names(n["children"]).items()]}


@pytest.mark.parametrize("account", ["admin", "readonly", "dept-scoped", "other-org-admin"])
def test_accepted_departments_are_the_client_tree(aicontent_emulator: Emulator, account: str) -> None:
    """I9: a department id is accepted by every cost action (and model-detail) exactly when it is
    in the caller's client tree; the tree's names are the fixture's."""
    acct = aicontent_emulator.accounts[account]
    base = aicontent_emulator.url
    tree = ok(call(base, "tree", account=acct))["data"]
    ids = tree_ids(tree)
    assert len(ids) == len(set(ids)) and {i: NAMES[i] for i in ids} == tree_names(tree)
    assert sorted(ids) == {"dept-scoped": [2], "other-org-admin": [11]}.get(account, [1, 2, 3, 4])
    for dep in NAMES:
        for name in [*COST, "detail"]:
            for q in ({"clientId": dep}, {"clientIds": str(dep)}):
                extra = {"modelId": 1} if name == "detail" else {}
                r = call(base, name, {**SPAN_30_DAYS, **q, **extra}, acct)
                assert (r.status_code == 200) == (dep in ids), (account, dep, name, r.text)
                if r.status_code != 200:
                    code = r.json()["Code"]
                    assert code == ("B.Permission.DeniedException" if account == "dept-scoped" and dep in (1, 3, 4)
                                    else "InvalidParameter"), (account, dep, code)


def test_model_names_and_codes_agree(aicontent_emulator: Emulator) -> None:
    """I9: cost rows' modelName/modelCode = the model list's name/modelCode = model-detail's
    modelName; the model list's modelType is what modelTypes selects; column definitions agree."""
    base = aicontent_emulator.url
    catalogue = walk(base, "catalogue", {}, size=5, items=lambda d: d["list"])
    listed = {m["id"]: (m["name"], m["modelCode"]) for m in catalogue}
    assert sorted(listed) == list(range(1, 13))
    rows = ok(call(base, "models", {**SPAN_30_DAYS, "maxResults": 100}))["data"]
    assert {r["modelId"]: (r["modelName"], r["modelCode"]) for r in rows["rows"]} == listed
    columns = {c["key"]: c for c in rows["columns"]}
    for model, (name, _) in listed.items():
        detail = ok(call(base, "detail", {**SPAN_30_DAYS, "modelId": model}))["data"]
        assert detail["modelName"] == name
        assert all(columns[c["key"]] == c for c in detail["columns"])
    for m in catalogue:
        typed = ok(call(base, "models", {**SPAN_30_DAYS, "modelTypes": m["modelType"]}))["data"]["rows"]
        assert m["id"] in [r["modelId"] for r in typed]
        assert {listed[r["modelId"]] for r in typed} <= {listed[x["id"]] for x in catalogue
                                                         if x["modelType"] == m["modelType"]}
    trend = ok(call(base, "trend", SPAN_30_DAYS))["data"]["metrics"]
    assert all(columns[c["key"]] == c for c in trend if c["key"] != "model_count")
    overview = ok(call(base, "overview", SPAN_30_DAYS))["data"]  # the trend's, and avg_tokens after total_tokens
    labels = [c["label"] for c in trend]
    at = [c["key"] for c in trend].index("total_tokens") + 1
    assert [x["label"] for x in overview] == labels[:at] + ["平均Token数"] + labels[at:]
    assert overview[at]["key"] == "avg_tokens" and overview[at]["unit"] == "Token"


# -- the OpenAPI document --------------------------------------------------------------------
@pytest.fixture(scope="module")
def document(aicontent_emulator_session: Emulator) -> dict[str, Any]:
    r = httpx.get(aicontent_emulator_session.url + "/_emulator/openapi.json")
    assert r.status_code == 200
    doc: dict[str, Any] = r.json()
    return doc


def wire_names(model: type) -> list[str]:
    """The wire names an SDK model writes (its to_map), in the SDK's order."""
    return re.findall(r"result\['(\w+)'\]", inspect.getsource(model.to_map))


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_action_at_its_path_with_the_sdks_parameters(document: dict[str, Any]) -> None:
    from emulator.api.table import BY_NAME

    requests = {**{n: REQUESTS[n][0] for n in NEW}, "detail": sdk_models.ModelRouterQueryCostModelDetailRequest}
    for short, (action, path) in ACTIONS.items():
        op = document["paths"][path]["get"]
        assert op["operationId"] == action
        names = [p["name"] for p in op["parameters"]]
        assert names == [p.name for p in BY_NAME[action].params]  # the action table's, in its order
        assert sorted(names) == sorted(wire_names(requests[short])), short  # and exactly the SDK's
        assert all(p["in"] == "query" and p["description"] for p in op["parameters"])
        required = sorted(p["name"] for p in op["parameters"] if p["required"])
        assert required == (sorted(["endTime", "startTime"] + (["modelId"] if short == "detail" else []))
                            if short in [*COST, "detail"] else [])
        assert set(op["responses"]) >= {"200", "400", "403", "404", "500"}
        ram = "none" if short == "tabs" else f"`aicontent:{action}`"
        assert f"RAM action: {ram}" in op["description"]


def test_parameters_are_described(document: dict[str, Any]) -> None:
    for short in NEW:
        params = {p["name"]: p for p in document["paths"][ACTIONS[short][1]]["get"]["parameters"]}
        assert params["maxResults"]["schema"]["maximum"] == 100 and params["maxResults"]["schema"]["minimum"] == 1
        if "modelTypes" in params:
            types = params["modelTypes"]
            assert "case-insensitive" in types["description"] and "LLM = Chat" in types["description"]
            assert re.fullmatch(types["schema"]["pattern"], "Chat,ImageGeneration")
            assert not re.fullmatch(types["schema"]["pattern"], "Chat,,TTS")
        if "granularity" in params:
            assert params["granularity"]["schema"]["enum"] == ["hourly", "daily"]
    cost_models = {p["name"]: p for p in document["paths"][ACTIONS["models"][1]]["get"]["parameters"]}
    assert cost_models["search"]["schema"]["maxLength"] == 128
    catalogue = {p["name"]: p for p in document["paths"][ACTIONS["catalogue"][1]]["get"]["parameters"]}
    assert catalogue["orderBy"]["schema"]["enum"] == ["id", "name", "modelCode"]
    assert catalogue["orderDirection"]["schema"]["enum"] == ["ASC", "DESC"]
    assert catalogue["pageSize"]["schema"]["maximum"] == 100 and catalogue["modelType"]["description"]
    summary = {p["name"]: p for p in document["paths"][ACTIONS["summary"][1]]["get"]["parameters"]}
    assert summary["modelId"]["schema"]["enum"] == list(range(1, 13))


RESPONSES = {  # action → (response body model of the SDK, the DTO models inside, by schema name)
    "overview": (sdk_models.ModelRouterQueryCostOverviewMetricsResponseBody, {"MetricValueDTO": "MetricValueDTO"}),
    "trend": (sdk_models.ModelRouterQueryCostTrendMetricsResponseBody,
              {"CostQueryTrendDTO": "CostQueryTrendDTO", "TrendPointDTO": "TrendPointDTO",
               "MetricDefRespDTO": "MetricDefRespDTO"}),
    "models": (sdk_models.ModelRouterQueryCostModelListResponseBody,
               {"CostQueryModelsDTO": "CostQueryModelsDTO", "ModelRowDTO": "ModelRowDTO"}),
    "tabs": (sdk_models.ModelRouterBillingCostTabsResponseBody, {"CostTabDTO": "CostTabDTO"}),
    "summary": (sdk_models.ModelRouterGetBillingBillSummaryResponseBody,
                {"BillingBillSummaryRespDTO": "BillingBillSummaryRespDTO",
                 "BillingBillSummaryPointDTO": "BillingBillSummaryPointDTO"}),
    "tree": (sdk_models.ModelRouterQueryClientTreeResponseBody, {"ClientTreeDTO": "ClientTreeDTO"}),
    "catalogue": (sdk_models.ModelRouterQueryModelListResponseBody,
                  {"ModelDTO": "ModelDTO", "ModelListPageDTO": "ModelRouterQueryModelListResponseBodyData"}),
}


@pytest.mark.parametrize("short", NEW)
def test_response_schemas_match_the_sdk(document: dict[str, Any], short: str) -> None:
    body_model, dtos = RESPONSES[short]
    op = document["paths"][ACTIONS[short][1]]["get"]
    envelope = resolve(document, op["responses"]["200"]["content"]["application/json"]["schema"])
    expected = ["requestId", "success", "httpStatusCode", "data", "maxResults"] + (
        [] if short == "catalogue" else ["nextToken"])
    assert list(envelope["properties"]) == expected and envelope["required"] == expected
    assert set(expected) <= set(wire_names(body_model))  # the SDK reads each of them
    for schema_name, sdk_name in dtos.items():
        schema = document["components"]["schemas"][schema_name]
        sdk_class = getattr(sdk_models, sdk_name, None) or getattr(
            inspect.getmodule(body_model), sdk_name)
        sdk_fields = set(wire_names(sdk_class)) - {"balance"}  # [choice] the client tree has no balance
        assert set(schema["properties"]) == sdk_fields, schema_name
    for status in ("400", "404"):
        assert set(op["responses"][status]["content"]) == {"application/json", "text/xml;charset=utf-8"}
    assert resolve(document, op["responses"]["403"]["content"]["application/json"]["schema"])["properties"]


# -- RAM account by account, department scope, the time span through the SDK -------------------
OK = "ok"
RAM = {  # account → action → outcome, from the briefing's RAM rules
    "admin": dict.fromkeys(NEW, OK),
    "readonly": dict.fromkeys(NEW, OK),
    "denied": {**dict.fromkeys(NEW, DENIED), "tabs": OK},
    "explicit-deny": {**dict.fromkeys(NEW, OK), **dict.fromkeys(COST, DENIED)},
    "no-org": dict.fromkeys(NEW, NO_ORG),
    "dept-scoped": dict.fromkeys(NEW, OK),
    "other-org-admin": dict.fromkeys(NEW, OK),
}


@pytest.mark.parametrize("algorithm", [None, "v2"])  # ACS3 (the SDK's default) and the ROA signature
@pytest.mark.parametrize("account", list(RAM))
def test_ram_account_by_account(aicontent_emulator: Emulator, account: str, algorithm: str | None) -> None:
    client = aicontent_emulator.client(account, signature_algorithm=algorithm)
    for name, outcome in RAM[account].items():
        if outcome == OK:
            assert sdk(client, name).success, (account, name)
            continue
        err = refused(client, name)
        assert (err.code, err.status_code) == (outcome, 403), (account, name)
        assert err.data["errCode"] == outcome and err.data["errMessage"] == MESSAGES[outcome]
        assert err.data["success"] is False and err.data["data"] is None


@pytest.mark.parametrize("name", COST)
def test_department_scope(aicontent_emulator: Emulator, name: str) -> None:
    scoped = aicontent_emulator.client("dept-scoped")
    admin = aicontent_emulator.client("admin")
    mine = sdk(scoped, name).to_map()["data"]
    assert mine == sdk(scoped, name, client_id=2).to_map()["data"] == sdk(admin, name, client_id=2).to_map()["data"]
    assert mine != sdk(admin, name).to_map()["data"]
    for kw in ({"client_id": 3}, {"client_id": 1}, {"client_id": 4}, {"client_ids": "2,3"}, {"client_ids": "4"}):
        err = refused(scoped, name, **kw)
        assert (err.code, err.status_code) == (DENIED, 403), kw
    err = refused(scoped, name, client_id=11)  # another organisation's: it does not exist for this caller
    assert err.code == "InvalidParameter" and "no department has id 11" in err.data["Message"]


@pytest.mark.parametrize("name", COST)
@pytest.mark.parametrize("missing", ["start_time", "end_time"])
def test_missing_time(aicontent_client: Any, name: str, missing: str) -> None:
    request, method = REQUESTS[name]
    with pytest.raises(ClientException) as info:
        getattr(aicontent_client, method)(request(**{k: v for k, v in SDK_SPAN.items() if k != missing}))
    wire = "startTime" if missing == "start_time" else "endTime"
    assert (info.value.code, info.value.status_code) == ("MissingParameter", 400)
    assert info.value.data["Message"] == (f'The input parameter "{wire}" that is mandatory for processing this request '
                                  "is not supplied.")
