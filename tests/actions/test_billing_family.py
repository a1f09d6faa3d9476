"""The billing family on the raw wire: key order, JSON types (strings where the SDK types a field
as a string), top-level paging fields, canonical bodies, and double-encoded values."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from family_helpers import ACTIONS, COST, HTTP, NEW, call, decode, ok
from helpers import DAY, MARCH_1

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}
ENVELOPE = ["requestId", "success", "httpStatusCode", "data", "maxResults", "nextToken"]
METRIC_DEF = ["key", "label", "sortable", "unit"]
TREE_KEYS = ["address", "allowedModels", "children", "clientUuid", "contact", "deleteTag", "discount", "gmtCreate",
             "gmtModified", "id", "level", "main", "name", "nodeType", "parentId", "remark", "userId"]
MODEL_KEYS = ["apiKeyPreview", "baseUrl", "deleteTag", "description", "extensions", "gmtCreate", "gmtModified",
              "hasBillingRule", "id", "inOut", "isCustom", "maxInputLength", "maxOutputLength", "modelCode",
              "modelType", "name", "symbol", "tagNames", "tags", "version"]
MODEL_STRINGS = ["apiKeyPreview", "baseUrl", "description", "extensions", "gmtCreate", "gmtModified", "inOut",
                 "maxInputLength", "maxOutputLength", "modelCode", "modelType", "name", "symbol", "tagNames", "tags"]
AMOUNT = re.compile(r'(?:total_amount\\*"|"totalAmount"|"元","value"):(-?\d+(?:\.\d+)?)')


def params(name: str, **extra: Any) -> dict[str, Any]:
    return {**(SPAN if name in COST else {}), **extra}


def is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


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


def test_overview_types(aicontent_emulator: Emulator) -> None:
    data = ok(call(aicontent_emulator.url, "overview", SPAN))["data"]
    for item in data:
        assert list(item) == ["key", "label", "unit", "value"]
        assert all(isinstance(item[k], str) for k in ("key", "label", "unit"))
        if item["key"] == "total_amount":
            assert isinstance(item["value"], float)
        else:
            assert is_int(item["value"]), item


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


def test_client_tree_types(aicontent_emulator: Emulator) -> None:
    nodes = ok(call(aicontent_emulator.url, "tree"))["data"]
    while nodes:
        node = nodes.pop()
        assert list(node) == TREE_KEYS
        for k in ("address", "allowedModels", "clientUuid", "contact", "gmtCreate", "gmtModified", "name",
                  "nodeType", "remark"):
            assert isinstance(node[k], str), k
        for k in ("deleteTag", "id", "level", "main", "parentId", "userId"):
            assert is_int(node[k]), k
        assert isinstance(node["discount"], float) and node["discount"] == 1.0
        assert iso(node["gmtCreate"]) <= iso(node["gmtModified"])
        nodes += node["children"]


def test_model_list_types(aicontent_emulator: Emulator) -> None:
    body = ok(call(aicontent_emulator.url, "catalogue", {"pageSize": 5, "pageIndex": 2}))
    data = body["data"]
    assert list(data) == ["list", "maxResults", "nextToken", "page", "pageSize", "total"]
    assert (data["maxResults"], data["total"], data["page"], data["pageSize"]) == ("5", "12", 2, 5)
    assert isinstance(data["nextToken"], str) and body["maxResults"] == 5
    for model in data["list"]:
        assert list(model) == MODEL_KEYS
        assert all(isinstance(model[k], str) for k in MODEL_STRINGS)
        assert all(is_int(model[k]) for k in ("deleteTag", "id", "version"))
        assert model["hasBillingRule"] is True and model["isCustom"] is False
        assert iso(model["gmtCreate"]) <= iso(model["gmtModified"])
    last = ok(call(aicontent_emulator.url, "catalogue", {"maxResults": 100}))["data"]
    assert (last["total"], last["maxResults"], last["nextToken"], len(last["list"])) == ("12", "100", "", 12)


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


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_not_found_and_unemulated_actions_not_implemented(aicontent_emulator: Emulator,
                                                                          method: str) -> None:
    """A method no action has at a path is 404; an action of the SDK not emulated yet is 501."""
    from emulator.api.table import ROUTER
    from emulator.errors import ApiError

    paths = [ACTIONS[n][1] for n in NEW] + ["/api/v1/modelRouter/open/models/"]
    for path in paths:
        r = HTTP.request(method, aicontent_emulator.url + path, params=SPAN, headers={"accept": "application/json"})
        body = r.json()
        try:
            action, _ = ROUTER.match(method, path, path)
        except ApiError:
            action = None
        if action is not None and "{" in action.path:  # clients/tree under PUT: UpdateClient with id "tree"
            assert (r.status_code, body["Code"]) == (400, "InvalidParameter") and '"id"' in body["Message"]
        elif action is not None:
            assert (r.status_code, body["Code"]) == (501, "NotImplemented"), (method, path)
        else:
            assert r.status_code == 404, (method, path)
            assert (body["Code"], body["Message"]) == ("InvalidAction.NotFound",
                                                       "Specified api is not found, please check your url and method.")
    for path in ("billing/cost/breakdown", "clients"):  # unemulated siblings (for now)
        r = HTTP.get(aicontent_emulator.url + "/api/v1/modelRouter/open/" + path, params=SPAN,
                     headers={"accept": "application/json"})
        assert (r.status_code, r.json()["Code"]) in ((501, "NotImplemented"), (400, "MissingParameter")), path
