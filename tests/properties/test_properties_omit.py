"""empty_buckets=omit: whatever the clock, the filters and the paging style, walking every page
of model-detail under `omit` gives exactly the non-empty rows of the `zero` answer, and
`data.total` counts them (the fixed cases are in tests/actions/test_model_detail.py)."""

from __future__ import annotations

from typing import Any

import httpx
from helpers import DAY, MARCH_1, all_rows, get, rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.server import Emulator

HOUR = 3600


def is_empty(values: dict[str, Any]) -> bool:
    return all(v == 0 for k, v in values.items() if k != "timestamp")


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
