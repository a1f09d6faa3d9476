"""The raw wire: exact bodies and headers, and every validation case of the README's "The request"."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from helpers import API, DAY, MARCH_1, SHARED_INVALID, get, rows
from kit import assert_error

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
    (11, ["total_calls", "audio_duration", "total_amount"]),
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


def test_parameter_given_twice(http: httpx.Client) -> None:
    r = http.get(f"{API}?modelId=1&modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}")
    assert_error(r, 400, "InvalidParameter", '"modelId"', "more than once", gateway=True)


def test_invalid_utf8_is_a_named_error(http: httpx.Client) -> None:
    r = http.get(f"{API}?modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}&memberUserIds=%FF")
    assert_error(r, 400, "InvalidParameter", '"memberUserIds"', "UTF-8", gateway=True)


def test_unknown_parameters_are_ignored(http: httpx.Client) -> None:
    plain = get(http, **BASE).json()
    extra = get(http, **BASE, Foo="bar", regionId="cn-shanghai").json()
    assert plain["data"] == extra["data"]


def test_tokens_are_bound_to_the_query(http: httpx.Client) -> None:
    token = get(http, **BASE).json()["nextToken"]
    assert_error(get(http, **{**BASE, "modelId": 2}, nextToken=token), 400, "InvalidParameter",
                 '"nextToken"', "different query", gateway=True)
    assert_error(get(http, **BASE, clientId=2, nextToken=token), 400, "InvalidParameter", "different query",
                 gateway=True)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert_error(get(http, **BASE, nextToken=tampered), 400, "InvalidParameter", '"nextToken"', "tampered",
                 gateway=True)


def test_tokens_from_another_seed_are_refused(http: httpx.Client) -> None:
    from emulator.server import Emulator

    with Emulator(seed=99) as other, httpx.Client(base_url=other.url) as c:
        foreign = get(c, **BASE).json()["nextToken"]
    assert_error(get(http, **BASE, nextToken=foreign), 400, "InvalidParameter", "tampered", gateway=True)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_not_found(http: httpx.Client, method: str) -> None:
    r = http.request(method, API, params=BASE)
    assert_error(r, 404, "InvalidAction.NotFound", method, gateway=True)


@pytest.mark.parametrize("path", ["/", "/api/v1/modelRouter/open/billing/cost/model-list", "/_emulator/nope"])
def test_unknown_paths_are_not_found(http: httpx.Client, path: str) -> None:
    assert_error(http.get(path), 404, "InvalidAction.NotFound", gateway=True)


def test_wrong_action_or_version_headers(http: httpx.Client) -> None:
    assert_error(http.get(API, params=BASE, headers={"x-acs-action": "DescribeRegions"}), 400, "InvalidAction",
                 "DescribeRegions", gateway=True)
    assert_error(http.get(API, params=BASE, headers={"x-acs-version": "2014-05-26"}), 400, "InvalidVersion",
                 "2014-05-26", gateway=True)
    assert http.get(API, params=BASE, headers={"x-acs-action": "ModelRouterQueryCostModelDetail",
                                               "x-acs-version": "20240611"}).status_code == 200


def test_product_error_shape(http: httpx.Client) -> None:
    r = http.get(API, params=BASE, headers={"x-emulator-fault": "B.Permission.DeniedException"})
    assert r.status_code == 403
    body = r.json()
    assert list(body) == PRODUCT_KEYS
    assert body["errCode"] == body["Code"] == "B.Permission.DeniedException"
    assert body["errMessage"] == body["Message"] == "鉴权失败或权限不足"
    assert body["requestId"] == body["RequestId"] == r.headers["x-acs-request-id"]
    assert body["success"] is False and body["httpStatusCode"] == 403 and body["data"] is None


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
