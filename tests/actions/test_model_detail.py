"""ModelRouterQueryCostModelDetail (GET billing/cost/model-detail): exact bodies and headers on the
raw wire, every validation case of the README's "The request", the SDK's happy path and RAM, its
OpenAPI entry, and empty_buckets=omit (rows, data.total and both paging styles)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from family_helpers import DENIED, NO_ORG, SPAN
from helpers import API, DAY, MARCH_1, SHARED_INVALID, get, rows, sdk_detail
from kit import assert_error

from emulator.server import Emulator

BASE = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}
PRODUCT_KEYS = ["requestId", "success", "errCode", "errMessage", "httpStatusCode", "data",
                "Code", "Message", "RequestId"]
UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def test_success_body_shape_and_headers(http: httpx.Client) -> None:
    r = get(http, **BASE)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json;charset=utf-8"
    body = r.json()
    assert list(body) == ["requestId", "success", "httpStatusCode", "data", "maxResults", "nextToken"]
    assert UUID.fullmatch(body["requestId"]) and r.headers["x-acs-request-id"] == body["requestId"]
    assert body["success"] is True and body["httpStatusCode"] == 200
    data = body["data"]
    assert list(data) == ["modelId", "modelName", "granularity", "total", "page", "pageSize", "columns", "rows"]
    assert (data["modelId"], data["modelName"], data["granularity"]) == (1, "通义千问-Plus", "hourly")
    assert (data["total"], data["page"], data["pageSize"], body["maxResults"]) == (24, 1, 20, 20)
    assert data["columns"][0] == {"key": "total_calls", "label": "调用次数", "sortable": True, "unit": "次"}
    assert data["columns"][-1] == {"key": "total_amount", "label": "消费金额", "sortable": True, "unit": "元"}
    assert [c["key"] for c in data["columns"]] == [
        "total_calls", "input_tokens", "output_tokens", "total_tokens", "total_amount"]
    assert len(data["rows"]) == 20 and body["nextToken"]
    first = data["rows"][0]
    assert list(first) == ["timestamp", "values"] and first["timestamp"] == MARCH_1
    values = json.loads(first["values"])
    assert list(values) == [c["key"] for c in data["columns"]] + ["timestamp"]
    assert values["total_tokens"] == values["input_tokens"] + values["output_tokens"]
    assert first["values"] == json.dumps(values, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("model_id, keys", [
    (7, ["total_calls", "input_tokens", "total_tokens", "total_amount"]),
    (8, ["total_calls", "image_count", "total_amount"]),
    (9, ["total_calls", "video_duration", "total_amount"]),
    (11, ["total_calls", "asr_duration", "total_amount"]),
    (12, ["total_calls", "characters", "total_amount"]),
])
def test_columns_follow_the_model_type(http: httpx.Client, model_id: int, keys: list[str]) -> None:
    body = get(http, **{**BASE, "modelId": model_id}).json()
    assert [c["key"] for c in body["data"]["columns"]] == keys
    for row in rows(body):
        assert set(row) == {"timestamp", *keys}


def test_granularity_switches_after_seven_days_and_daily_buckets_start_at_shanghai_midnight(http: httpx.Client) -> None:
    hourly = get(http, **{**BASE, "endTime": MARCH_1 + 7 * DAY}).json()["data"]
    assert (hourly["granularity"], hourly["total"]) == ("hourly", 168)
    daily = get(http, **{**BASE, "startTime": MARCH_1 + 5 * 3600, "endTime": MARCH_1 + 8 * DAY + 1}).json()["data"]
    assert daily["granularity"] == "daily"
    assert daily["total"] == 9  # the partial first and last days are reported whole
    assert daily["rows"][0]["timestamp"] == MARCH_1 and daily["rows"][1]["timestamp"] == MARCH_1 + DAY


def test_hourly_buckets_start_on_the_hour_and_cover_partial_hours(http: httpx.Client) -> None:
    data = get(http, modelId=1, startTime=MARCH_1 + 1800, endTime=MARCH_1 + 3 * 3600 + 1).json()["data"]
    assert data["total"] == 4
    assert [r["timestamp"] for r in data["rows"]] == [MARCH_1 + h * 3600 for h in range(4)]


def test_outside_the_data_window_rows_are_zero(http: httpx.Client) -> None:
    start = 1262275200  # 2010
    got = rows(get(http, modelId=1, startTime=start, endTime=start + DAY, pageSize=100).json())
    assert len(got) == 24 and all(v == 0 for r in got for k, v in r.items() if k != "timestamp")


def test_double_encoded_values_setting() -> None:
    from emulator.server import Emulator

    with Emulator(values_encoding="double") as emu, httpx.Client(base_url=emu.url) as c:
        row = get(c, **BASE).json()["data"]["rows"][0]
        inner = json.loads(json.loads(row["values"]))
        assert inner["timestamp"] == MARCH_1 and "total_calls" in inner


@pytest.mark.parametrize("missing", ["modelId", "startTime", "endTime"])
def test_missing_parameter(http: httpx.Client, missing: str) -> None:
    params = {k: v for k, v in BASE.items() if k != missing}
    body = assert_error(get(http, **params), 400, "MissingParameter", f'"{missing}"', gateway=True)
    assert body["Message"] == (f'The input parameter "{missing}" that is mandatory for processing this '
                               "request is not supplied.")


INVALID = [  # model-detail's own parameters, then what it shares with the billing family
    ({"modelId": "abc"}, "modelId", "base-10 integer"),
    ({"modelId": "1.0"}, "modelId", "base-10 integer"),
    ({"modelId": "+1"}, "modelId", "base-10 integer"),
    ({"modelId": ""}, "modelId", "base-10 integer"),
    ({"modelId": "1e3"}, "modelId", "base-10 integer"),
    ({"modelId": "\u0661"}, "modelId", "base-10 integer"),  # an Arabic-Indic digit
    ({"modelId": " 1"}, "modelId", "base-10 integer"),
    ({"modelId": "9223372036854775808"}, "modelId", "64-bit"),
    ({"modelId": "0"}, "modelId", "positive"),
    ({"modelId": "-3"}, "modelId", "positive"),
    ({"modelId": "999"}, "modelId", "no model has id 999"),
    ({"pageSize": "0"}, "pageSize", "between 1 and 100"),
    ({"pageSize": "101"}, "pageSize", "between 1 and 100"),
    ({"pageSize": "x"}, "pageSize", "base-10 integer"),
    ({"page": "0"}, "page", "between 1 and 2147483647"),
    ({"page": "2147483648"}, "page", "between 1 and 2147483647"),
    ({"pageIndex": "0"}, "pageIndex", "between 1"),
    *SHARED_INVALID,
]


@pytest.mark.parametrize("change, name, reason", INVALID, ids=[f"{n}:{r}" for _, n, r in INVALID])
def test_invalid_parameter(http: httpx.Client, change: dict, name: str, reason: str) -> None:
    assert_error(get(http, **{**BASE, **change}), 400, "InvalidParameter", f'"{name}"', reason, gateway=True)


def test_unknown_parameters_are_ignored(http: httpx.Client) -> None:
    plain = get(http, **BASE).json()
    extra = get(http, **BASE, Foo="bar", regionId="cn-shanghai").json()
    assert plain["data"] == extra["data"]


@pytest.mark.parametrize("model_id", [1, 7, 8, 9, 11, 12])
def test_bodies_are_canonical_json(http: httpx.Client, model_id: int) -> None:
    """The renderer formats bodies from templates; they must be exactly what json.dumps gives."""
    for span in (DAY, 30 * DAY, 366 * DAY):
        raw = get(http, modelId=model_id, startTime=MARCH_1, endTime=MARCH_1 + span, pageSize=100).content
        assert raw == json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode()
        for row in json.loads(raw)["data"]["rows"]:
            assert row["values"] == json.dumps(json.loads(row["values"]), separators=(",", ":"))


def test_double_encoded_bodies_are_canonical_json() -> None:
    from emulator.server import Emulator

    with Emulator(values_encoding="double") as emu, httpx.Client(base_url=emu.url) as c:
        raw = get(c, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + 40 * DAY).content
        assert raw == json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode()


def values(body: Any) -> list[dict[str, Any]]:
    return [json.loads(r.values) for r in body.data.rows]


def test_a_day_hour_by_hour(aicontent_client: Any) -> None:
    body = sdk_detail(aicontent_client, page_size=24)
    assert body.success is True and body.http_status_code == 200 and body.request_id
    assert (body.data.model_id, body.data.model_name, body.data.granularity) == (1, "通义千问-Plus", "hourly")
    assert (body.data.total, body.data.page, body.data.page_size) == (24, 1, 24)
    assert [c.key for c in body.data.columns][0] == "total_calls"
    assert [r.timestamp for r in body.data.rows] == [MARCH_1 + h * 3600 for h in range(24)]
    day = values(body)
    assert sum(v["total_calls"] for v in day) > 0
    assert body.next_token == ""  # the last page


def test_daily_over_a_year(aicontent_client: Any) -> None:
    body = sdk_detail(aicontent_client, end_time=MARCH_1 + 366 * DAY, page_size=100)
    assert body.data.granularity == "daily" and body.data.total == 366 and len(body.data.rows) == 100
    assert body.data.rows[1].timestamp - body.data.rows[0].timestamp == DAY
    assert body.next_token


@pytest.mark.parametrize("model_id, unit_metric", [(8, "image_count"), (9, "video_duration"), (12, "characters")])
def test_other_model_types(aicontent_client: Any, model_id: int, unit_metric: str) -> None:
    body = sdk_detail(aicontent_client, model_id=model_id, end_time=MARCH_1 + 30 * DAY)
    assert unit_metric in [c.key for c in body.data.columns]
    assert all(unit_metric in v for v in values(body))


def _totals(body: Any) -> tuple[int, int]:
    vs = values(body)
    return sum(v["total_calls"] for v in vs), sum(round(v["total_amount"] * 10_000) for v in vs)


def test_filters(aicontent_client: Any) -> None:
    span = {"end_time": MARCH_1 + 10 * DAY, "page_size": 100}
    org = _totals(sdk_detail(aicontent_client, **span))
    deps = [_totals(sdk_detail(aicontent_client, client_id=d, **span)) for d in (1, 2, 3, 4)]
    assert org == tuple(map(sum, zip(*deps)))
    both = _totals(sdk_detail(aicontent_client, client_ids="2,3", **span))
    assert both == (deps[1][0] + deps[2][0], deps[1][1] + deps[2][1])
    dept_only = _totals(sdk_detail(aicontent_client, client_id=2, member_user_ids="", **span))
    members = [_totals(sdk_detail(aicontent_client, client_id=2, member_user_ids=str(m), **span))
               for m in (1001, 1002, 1003)]
    assert deps[1] == tuple(map(sum, zip(dept_only, *members)))
    pair = _totals(sdk_detail(aicontent_client, client_id=2, member_user_ids="1001,1002", **span))
    assert pair == tuple(map(sum, zip(members[0], members[1])))
    keys = [_totals(sdk_detail(aicontent_client, client_id=2, api_key_id=k, **span)) for k in (5101, 5105)]
    assert members[0] == tuple(map(sum, zip(*keys)))  # member 1001 holds keys 5101 and 5105
    assert _totals(sdk_detail(aicontent_client, client_id=2, api_key_id=5104, **span)) == dept_only


@pytest.mark.parametrize("kw, code, status", [
    ({"model_id": None}, "MissingParameter", 400),
    ({"model_id": 404}, "InvalidParameter", 400),
    ({"end_time": MARCH_1}, "InvalidParameter", 400),
    ({"client_id": 2, "client_ids": "3"}, "InvalidParameter", 400),
    ({"next_token": "garbage"}, "InvalidParameter", 400),
])
def test_errors_raise_client_exception(aicontent_client: Any, kw: dict, code: str, status: int) -> None:
    with pytest.raises(ClientException) as info:
        sdk_detail(aicontent_client, **kw)
    assert info.value.code == code and info.value.status_code == status
    assert info.value.request_id and info.value.request_id != "None"


def test_model_detail_follows_the_same_billing_deny(aicontent_emulator: Emulator) -> None:
    from alibabacloud_aicontent20240611 import models

    request = models.ModelRouterQueryCostModelDetailRequest(model_id=1, **SPAN)
    for account, outcome in (("explicit-deny", DENIED), ("denied", DENIED), ("no-org", NO_ORG)):
        with pytest.raises(ClientException) as info:
            aicontent_emulator.client(account).model_router_query_cost_model_detail(request)
        assert info.value.code == outcome


def test_openapi_describes_the_real_endpoint(http: httpx.Client) -> None:
    doc = http.get("/_emulator/openapi.json").json()
    op = doc["paths"][API]["get"]
    assert {p["name"] for p in op["parameters"]} == {
        "modelId", "startTime", "endTime", "clientId", "clientIds", "apiKeyId", "memberUserIds", "page",
        "pageIndex", "pageSize", "maxResults", "nextToken"}
    assert [p["name"] for p in op["parameters"] if p["required"]] == ["modelId", "startTime", "endTime"]
    assert set(op["responses"]) == {"200", "400", "403", "404", "500"}
    assert "GatewayError" in doc["components"]["schemas"] and "ProductError" in doc["components"]["schemas"]
    assert "/_emulator/faults" in doc["paths"]
    assert http.get("/_emulator/docs").status_code == 200


# -- empty_buckets=omit: only buckets with usage are rows; data.total, legacy pages and page
# tokens follow ------------------------------------------------------------------------------


HOUR = 3600
Row = tuple[int, str]  # (timestamp, values string) as the SDK gives them


def is_empty(values: dict[str, Any]) -> bool:
    return all(v == 0 for k, v in values.items() if k != "timestamp")


def request(**kw: Any) -> models.ModelRouterQueryCostModelDetailRequest:
    return models.ModelRouterQueryCostModelDetailRequest(**kw)


def sdk_legacy_walk(client: Any, size: int, **q: Any) -> tuple[list[Row], int]:
    """Every page by page_index/page_size until an empty page; (rows, data.total)."""
    out: list[Row] = []
    for page in range(1, 1000):
        data = client.model_router_query_cost_model_detail(request(page_index=page, page_size=size, **q)).body.data
        assert data.page == page and data.page_size == size
        if not data.rows:
            return out, data.total
        assert len(data.rows) <= size
        out += [(r.timestamp, r.values) for r in data.rows]
    raise AssertionError("no end to the pages")


def sdk_token_walk(client: Any, size: int, **q: Any) -> tuple[list[Row], int]:
    out: list[Row] = []
    token = None
    for _ in range(1000):
        body = client.model_router_query_cost_model_detail(request(max_results=size, next_token=token, **q)).body
        out += [(r.timestamp, r.values) for r in body.data.rows]
        token = body.next_token
        if not token:
            return out, body.data.total
    raise AssertionError("no end to the tokens")


def non_empty(rows_: list[Row]) -> list[Row]:
    return [(t, v) for t, v in rows_ if not is_empty(json.loads(v))]


def zero_and_omit(emu: Emulator, size: int, **q: Any) -> tuple[list[Row], list[Row]]:
    """The zero answer (one walk) and the omit answer walked in both styles (which must agree)."""
    client = emu.client("admin")
    emu.set_forms(empty_buckets="zero")
    zero, zero_total = sdk_token_walk(client, 100, **q)
    assert zero_total == len(zero)
    emu.set_forms(empty_buckets="omit")
    by_page, total_p = sdk_legacy_walk(client, size, **q)
    by_token, total_t = sdk_token_walk(client, size, **q)
    assert by_page == by_token and total_p == total_t == len(by_page)
    return zero, by_page


def test_a_fixed_clock_mid_day_omits_the_hours_after_it(aicontent_emulator: Emulator) -> None:
    aicontent_emulator.clock.set(MARCH_1 + 13 * HOUR + 1800)
    zero, omit = zero_and_omit(aicontent_emulator, 5, model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY)
    assert len(zero) == 24
    assert omit == non_empty(zero)
    assert [t for t, _ in omit] == [MARCH_1 + h * HOUR for h in range(14)]  # the hour with the clock is partial


def test_a_fixed_clock_inside_a_daily_span(aicontent_emulator: Emulator) -> None:
    aicontent_emulator.clock.set(MARCH_1 + 12 * DAY + 5 * HOUR)
    zero, omit = zero_and_omit(aicontent_emulator, 4, model_id=7, start_time=MARCH_1, end_time=MARCH_1 + 30 * DAY,
                               client_id=2)
    assert len(zero) == 30 and omit == non_empty(zero)
    assert [t for t, _ in omit] == [MARCH_1 + d * DAY for d in range(13)]


def test_an_outage_is_omitted(aicontent_emulator: Emulator) -> None:
    aicontent_emulator.usage_events.add({"startTime": MARCH_1 + 3 * HOUR, "endTime": MARCH_1 + 9 * HOUR,
                                         "modelId": 1, "factor": 0, "note": "outage"})
    zero, omit = zero_and_omit(aicontent_emulator, 7, model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY)
    hours = [(t - MARCH_1) // HOUR for t, _ in omit]
    assert omit == non_empty(zero) and hours == [0, 1, 2, *range(9, 24)]


def test_nothing_left_is_an_empty_answer(aicontent_emulator: Emulator) -> None:
    aicontent_emulator.clock.set(MARCH_1 - DAY)
    zero, omit = zero_and_omit(aicontent_emulator, 3, model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY)
    assert len(zero) == 24 and omit == [] and non_empty(zero) == []


def test_omit_keeps_data_total_and_legacy_pages_consistent_on_the_wire(aicontent_emulator: Emulator,
                                                                       http: httpx.Client) -> None:
    aicontent_emulator.clock.set(MARCH_1 + 10 * HOUR)
    aicontent_emulator.set_forms(empty_buckets="omit")
    body = get(http, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, page=2, pageSize=4).json()
    assert body["data"]["total"] == 10 and (body["data"]["page"], body["data"]["pageSize"]) == (2, 4)
    assert [r["timestamp"] for r in body["data"]["rows"]] == [MARCH_1 + h * HOUR for h in (4, 5, 6, 7)]
    last = get(http, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, page=3, pageSize=4).json()
    assert len(last["data"]["rows"]) == 2 and last["nextToken"] == ""
