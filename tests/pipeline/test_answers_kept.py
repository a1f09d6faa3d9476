"""Reads' answers kept for their repeats (emulator.api.answers): a repeat is the same body with
its own request id; anything the answer depends on (a write, the clock, a usage event, a form,
the caller's scope, the page) makes a new one; what is kept is bounded."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from alibabacloud_aicontent20240611 import models

from emulator.api.answers import Answers
from emulator.server import Emulator

API = "/api/v1/modelRouter/open/"
MARCH_1 = 1709222400
PAGE = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + 86400}


@pytest.fixture
def emu() -> Iterator[tuple[Emulator, httpx.Client]]:
    with Emulator(now="2026-03-10T12:20:00+08:00") as e, \
            httpx.Client(base_url=e.url, headers={"accept": "application/json"}, timeout=10) as http:
        yield e, http


def body(r: httpx.Response) -> dict:
    assert r.status_code == 200, r.text[:200]
    data = r.json()
    assert data.pop("requestId") == r.headers["x-acs-request-id"]
    return data


def test_a_repeat_is_the_same_answer_with_its_own_request_id(emu: tuple[Emulator, httpx.Client]) -> None:
    e, http = emu
    first, second = (http.get(API + "billing/cost/model-detail", params=PAGE) for _ in range(2))
    assert first.json()["requestId"] != second.json()["requestId"]
    assert body(first) == body(second) and e.service.answers._items  # kept


def test_what_the_answer_depends_on_makes_a_new_one(emu: tuple[Emulator, httpx.Client]) -> None:
    e, http = emu
    noon = 1773115200  # 2026-03-10 12:00 Beijing time

    def spend() -> dict:
        return body(http.get(API + "clients/2/balance"))

    def today() -> dict:
        return body(http.get(API + "billing/cost/overview", params={"startTime": noon, "endTime": noon + 7200}))
    before, balance = today(), spend()
    e.clock.set("2026-03-10T13:40:00+08:00")  # the clock
    later = today()
    assert later != before and spend()["data"]["balance"] < balance["data"]["balance"]
    e.usage_events.add(startTime=noon, endTime=noon + 3600, factor=0)  # an event
    assert today() != later
    assert http.post(API + "clients/2/balance/transactions", json={"amount": 1.0}).status_code == 200  # a write
    assert spend()["data"]["balance"] != balance["data"]["balance"]
    pages = [body(http.get(API + "apikeys", params={"pageSize": 2, "pageIndex": p})) for p in (1, 2)]  # the page
    assert pages[0]["data"]["list"] != pages[1]["data"]["list"]
    request = models.ModelRouterQueryApiKeyListRequest(page_size=100)  # the caller's scope
    everyone = e.client("admin").model_router_query_api_key_list(request).body.data.list
    assert len(e.client("dept-scoped").model_router_query_api_key_list(request).body.data.list) < len(everyone)
    assert http.patch("/_emulator/config", json={"values_encoding": "double"}).status_code == 200  # a form
    double = body(http.get(API + "billing/cost/model-detail", params=PAGE))
    assert isinstance(double["data"]["rows"][0]["values"], str) and \
        double["data"]["rows"][0]["values"].startswith('"')


def test_what_is_kept_is_bounded() -> None:
    kept = Answers(max_entries=3, max_bytes=10_000)
    events = ()
    rid = "00000000-0000-0000-0000-000000000000"
    for i in range(10):
        kept.put(i, events, rid, b'{"requestId":"' + rid.encode() + b'","n":%d}' % i)
    assert list(kept._items) == [7, 8, 9] and kept.get(2, events, rid) is None
    assert kept.get(9, events, rid) == b'{"requestId":"' + rid.encode() + b'","n":9}'
    assert kept.get(9, (1,), rid) is None  # other events
    kept.put("big", events, rid, b'{"requestId":"' + rid.encode() + b'"' + b" " * 10_000 + b"}")
    assert "big" not in kept._items and kept._bytes <= 10_000
