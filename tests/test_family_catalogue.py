"""I9 (names and departments agree everywhere) and the OpenAPI document of the billing family,
held against the official SDK's own request and response models."""

from __future__ import annotations

import inspect
import re
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models as sdk_models
from family_helpers import ACTIONS, COST, NEW, REQUESTS, call, ok, walk
from helpers import DAY, MARCH_1

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + 30 * DAY}
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
                r = call(base, name, {**SPAN, **q, **extra}, acct)
                assert (r.status_code == 200) == (dep in ids), (account, dep, name, r.text)
                if r.status_code != 200:
                    code = r.json()["Code"]
                    assert code == ("B.Permission.DeniedException" if account == "dept-scoped" and dep in (1, 3, 4)
                                    else "InvalidParameter"), (account, dep, code)


def test_client_uuids_follow_the_seed(aicontent_emulator: Emulator) -> None:
    """clientUuid is "st-" + 8 hex digits derived from the seed: stable, distinct, seed-dependent."""
    def uuids(base: str) -> dict[int, str]:
        out: dict[int, str] = {}
        nodes = ok(call(base, "tree"))["data"]
        while nodes:
            node = nodes.pop()
            out[node["id"]] = node["clientUuid"]
            nodes += node["children"]
        return out

    mine = uuids(aicontent_emulator.url)
    assert mine == uuids(aicontent_emulator.url) and len(set(mine.values())) == 4
    assert all(re.fullmatch(r"st-[0-9a-f]{8}", u) for u in mine.values())
    with Emulator(seed=aicontent_emulator.settings.seed + 1) as other:
        theirs = uuids(other.url)
    assert sorted(theirs) == sorted(mine) and not set(theirs.values()) & set(mine.values())


def test_model_names_and_codes_agree(aicontent_emulator: Emulator) -> None:
    """I9: cost rows' modelName/modelCode = the model list's name/modelCode = model-detail's
    modelName; the model list's modelType is what modelTypes selects; column definitions agree."""
    base = aicontent_emulator.url
    catalogue = walk(base, "catalogue", {}, size=5, items=lambda d: d["list"])
    listed = {m["id"]: (m["name"], m["modelCode"]) for m in catalogue}
    assert sorted(listed) == list(range(1, 13))
    rows = ok(call(base, "models", {**SPAN, "maxResults": 100}))["data"]
    assert {r["modelId"]: (r["modelName"], r["modelCode"]) for r in rows["rows"]} == listed
    columns = {c["key"]: c for c in rows["columns"]}
    for model, (name, _) in listed.items():
        detail = ok(call(base, "detail", {**SPAN, "modelId": model}))["data"]
        assert detail["modelName"] == name
        assert all(columns[c["key"]] == c for c in detail["columns"])
    for m in catalogue:
        typed = ok(call(base, "models", {**SPAN, "modelTypes": m["modelType"]}))["data"]["rows"]
        assert m["id"] in [r["modelId"] for r in typed]
        assert {listed[r["modelId"]] for r in typed} <= {listed[x["id"]] for x in catalogue
                                                         if x["modelType"] == m["modelType"]}
    trend = ok(call(base, "trend", SPAN))["data"]["metrics"]
    assert all(columns[c["key"]] == c for c in trend if c["key"] != "model_count")
    assert [x["label"] for x in ok(call(base, "overview", SPAN))["data"]] == [c["label"] for c in trend]


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
