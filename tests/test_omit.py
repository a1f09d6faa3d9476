"""empty_buckets=omit: only buckets with usage are rows; `data.total`, legacy pages and page
tokens follow. Whatever the clock, the filters and the paging style, walking every page under
`omit` gives exactly the non-empty rows of the `zero` answer."""

from __future__ import annotations

import json
from typing import Any

import httpx
from alibabacloud_aicontent20240611 import models
from helpers import DAY, MARCH_1, all_rows, get, rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.server import Emulator

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


# -- the property -------------------------------------------------------------------------------
FILTERS = [{}, {"clientId": 2}, {"clientIds": "3,4"}, {"clientId": 2, "memberUserIds": ""},
           {"clientId": 2, "apiKeyId": 5101}, {"clientId": 3, "memberUserIds": "1004"}]


@st.composite
def queries(draw: st.DrawFn) -> dict[str, Any]:
    daily = draw(st.booleans())
    span = draw(st.integers(8 * DAY, 40 * DAY)) if daily else draw(st.integers(HOUR, 7 * DAY))
    start = MARCH_1 + draw(st.integers(0, 300 * DAY))
    if draw(st.booleans()):
        start -= start % HOUR  # on the hour, or not
    return {"modelId": draw(st.integers(1, 12)), "startTime": start, "endTime": start + span,
            **draw(st.sampled_from(FILTERS))}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries(), clock=st.floats(-0.3, 1.3), lag=st.sampled_from([None, 0, 90]),
       outage=st.none() | st.tuples(st.integers(0, 40 * 24), st.integers(1, 72)),
       token_style=st.booleans(), size=st.integers(1, 30))
def test_walking_every_omit_page_gives_the_non_empty_zero_rows(
        aicontent_emulator: Emulator, http: httpx.Client, q: dict[str, Any], clock: float, lag: int | None,
        outage: tuple[int, int] | None, token_style: bool, size: int) -> None:
    emu = aicontent_emulator
    emu.usage_events.clear()
    emu.clock.set(int(q["startTime"] + clock * (q["endTime"] - q["startTime"])), lag_minutes=lag or 0)
    if outage is not None:
        first = q["startTime"] - q["startTime"] % HOUR + outage[0] * HOUR
        emu.usage_events.add({"startTime": first, "endTime": first + outage[1] * HOUR, "factor": 0})
    emu.set_forms(empty_buckets="zero")
    zero = all_rows(http, **q)
    emu.set_forms(empty_buckets="omit")
    walked: list[dict[str, Any]] = []
    if token_style:
        token = ""
        for _ in range(1000):
            body = get(http, **q, maxResults=size, nextToken=token or None).json()
            walked += rows(body)
            token = body["nextToken"]
            if not token:
                break
    else:
        for page in range(1, 1000):
            body = get(http, **q, page=page, pageSize=size).json()
            if not body["data"]["rows"]:
                break
            walked += rows(body)
    assert walked == [r for r in zero if not is_empty(r)]
    assert body["data"]["total"] == len(walked)
