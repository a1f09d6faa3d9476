"""Through the official SDK (alibabacloud-aicontent20240611), against a live server."""

from __future__ import annotations

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
