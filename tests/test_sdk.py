"""Through the official SDK (alibabacloud-aicontent20240611), against a live server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
from helpers import DAY, MARCH_1

from emulator.server import Emulator

Request = models.ModelRouterQueryCostModelDetailRequest


def call(client: Any, **kw: Any) -> models.ModelRouterQueryCostModelDetailResponseBody:
    kw.setdefault("model_id", 1)
    kw.setdefault("start_time", MARCH_1)
    kw.setdefault("end_time", MARCH_1 + DAY)
    resp = client.model_router_query_cost_model_detail(Request(**kw))
    assert resp.status_code == 200
    return resp.body


def values(body: Any) -> list[dict[str, Any]]:
    return [json.loads(r.values) for r in body.data.rows]


def test_a_day_hour_by_hour(aicontent_client: Any) -> None:
    body = call(aicontent_client, page_size=24)
    assert body.success is True and body.http_status_code == 200 and body.request_id
    assert (body.data.model_id, body.data.model_name, body.data.granularity) == (1, "通义千问-Plus", "hourly")
    assert (body.data.total, body.data.page, body.data.page_size) == (24, 1, 24)
    assert [c.key for c in body.data.columns][0] == "total_calls"
    assert [r.timestamp for r in body.data.rows] == [MARCH_1 + h * 3600 for h in range(24)]
    day = values(body)
    assert sum(v["total_calls"] for v in day) > 0
    assert body.next_token == ""  # the last page


def test_daily_over_a_year(aicontent_client: Any) -> None:
    body = call(aicontent_client, end_time=MARCH_1 + 366 * DAY, page_size=100)
    assert body.data.granularity == "daily" and body.data.total == 366 and len(body.data.rows) == 100
    assert body.data.rows[1].timestamp - body.data.rows[0].timestamp == DAY
    assert body.next_token


@pytest.mark.parametrize("model_id, unit_metric", [(8, "image_count"), (9, "video_duration"), (12, "characters")])
def test_other_model_types(aicontent_client: Any, model_id: int, unit_metric: str) -> None:
    body = call(aicontent_client, model_id=model_id, end_time=MARCH_1 + 30 * DAY)
    assert unit_metric in [c.key for c in body.data.columns]
    assert all(unit_metric in v for v in values(body))


def _totals(body: Any) -> tuple[int, int]:
    vs = values(body)
    return sum(v["total_calls"] for v in vs), sum(round(v["total_amount"] * 10_000) for v in vs)


def test_filters(aicontent_client: Any) -> None:
    span = {"end_time": MARCH_1 + 10 * DAY, "page_size": 100}
    org = _totals(call(aicontent_client, **span))
    deps = [_totals(call(aicontent_client, client_id=d, **span)) for d in (1, 2, 3, 4)]
    assert org == tuple(map(sum, zip(*deps)))
    both = _totals(call(aicontent_client, client_ids="2,3", **span))
    assert both == (deps[1][0] + deps[2][0], deps[1][1] + deps[2][1])
    dept_only = _totals(call(aicontent_client, client_id=2, member_user_ids="", **span))
    members = [_totals(call(aicontent_client, client_id=2, member_user_ids=str(m), **span)) for m in (1001, 1002, 1003)]
    assert deps[1] == tuple(map(sum, zip(dept_only, *members)))
    pair = _totals(call(aicontent_client, client_id=2, member_user_ids="1001,1002", **span))
    assert pair == tuple(map(sum, zip(members[0], members[1])))
    keys = [_totals(call(aicontent_client, client_id=2, api_key_id=k, **span)) for k in (5101, 5105)]
    assert members[0] == tuple(map(sum, zip(*keys)))  # member 1001 holds keys 5101 and 5105
    assert _totals(call(aicontent_client, client_id=2, api_key_id=5104, **span)) == dept_only


def test_token_pagination_walks_every_row(aicontent_client: Any) -> None:
    seen, token, sizes = [], None, iter([7, 30, 5, 100])
    while True:
        body = call(aicontent_client, end_time=MARCH_1 + 3 * DAY, max_results=next(sizes, 50), next_token=token)
        seen += [r.timestamp for r in body.data.rows]
        token = body.next_token
        if not token:
            break
    assert seen == [MARCH_1 + h * 3600 for h in range(72)]


def test_legacy_pagination_and_page_index_priority(aicontent_client: Any) -> None:
    p3 = call(aicontent_client, page=3, page_size=5)
    assert (p3.data.page, p3.data.page_size, p3.max_results) == (3, 5, 5)
    assert p3.data.rows[0].timestamp == MARCH_1 + 10 * 3600
    assert call(aicontent_client, page=1, page_index=3, page_size=5).data.rows[0].timestamp == MARCH_1 + 10 * 3600
    past = call(aicontent_client, page=9, page_size=5)
    assert past.data.rows == [] and past.data.total == 24 and past.next_token == ""


def test_token_style_wins_and_styles_can_switch(aicontent_client: Any) -> None:
    first = call(aicontent_client, page=4, page_size=3, max_results=6)
    assert first.data.rows[0].timestamp == MARCH_1 and len(first.data.rows) == 6  # token style: from the start
    legacy = call(aicontent_client, page_size=6)
    following = call(aicontent_client, max_results=6, next_token=legacy.next_token)
    assert following.data.rows[0].timestamp == MARCH_1 + 6 * 3600 and following.data.page == 2


@pytest.mark.parametrize("kw, code, status", [
    ({"model_id": None}, "MissingParameter", 400),
    ({"model_id": 404}, "InvalidParameter", 400),
    ({"end_time": MARCH_1}, "InvalidParameter", 400),
    ({"client_id": 2, "client_ids": "3"}, "InvalidParameter", 400),
    ({"next_token": "garbage"}, "InvalidParameter", 400),
])
def test_errors_raise_client_exception(aicontent_client: Any, kw: dict, code: str, status: int) -> None:
    with pytest.raises(ClientException) as info:
        call(aicontent_client, **kw)
    assert info.value.code == code and info.value.status_code == status
    assert info.value.request_id and info.value.request_id != "None"


def test_product_errors_carry_their_code(aicontent_emulator: Emulator, aicontent_client: Any) -> None:
    aicontent_emulator.faults.add({"code": "B.Permission.OrgNoExistException", "times": 1})
    with pytest.raises(ClientException) as info:
        call(aicontent_client)
    assert info.value.code == "B.Permission.OrgNoExistException" and info.value.status_code == 403
    assert info.value.data["errMessage"] == "组织不存在,请主账号开通权限后再试,或联系管理员"


def test_server_errors_raise_server_exception(aicontent_emulator: Emulator, aicontent_client: Any) -> None:
    aicontent_emulator.faults.add({"code": "Server.Internal.UnknownError", "times": 1})
    with pytest.raises(ServerException) as info:
        call(aicontent_client)
    assert info.value.code == "Server.Internal.UnknownError" and info.value.status_code == 500
    assert call(aicontent_client).success  # the rule fired once only
