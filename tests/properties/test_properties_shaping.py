"""Properties that must hold whatever usage events are in force and wherever the data clock stands
(inside an hour, across the lag, or following the wall clock): days are sums of hours,
departments sums of their parts, clientIds sums of departments, total_tokens the sum of its parts,
and figures never decrease as the clock moves forward. Each example starts from a reset emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from helpers import DAY, MARCH_1, get, rows
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.server import Emulator

HOUR = 3600
KEYS = (5001, 5101, 5102, 5103, 5104, 5105, 5201, 5202, 5203, 5301, 5302, 6101)
MEMBERS = {1: (), 2: (1001, 1002, 1003), 3: (1004, 1005), 4: (1006,)}
KEY_DEPARTMENT = {5001: 1, 5201: 3, 5202: 3, 5203: 3, 5301: 4, 5302: 4}
DRAWN = {1: ("total_calls", "input_tokens", "output_tokens"), 7: ("total_calls", "input_tokens"),
         8: ("total_calls", "image_count")}
MODELS = tuple(DRAWN)
DAYS = (MARCH_1 - DAY, MARCH_1, MARCH_1 + DAY)
SETTINGS = settings(max_examples=50, deadline=None)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def http(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.url, timeout=30) as client:
        yield client


spans = st.builds(lambda start, length: {"startTime": MARCH_1 + start * HOUR,
                                         "endTime": MARCH_1 + (start + length) * HOUR},
                  st.integers(-30, 54), st.integers(1, 36))
scopes = st.one_of(st.just({}), st.builds(lambda k: {"apiKeyId": k}, st.sampled_from(KEYS)),
                   st.builds(lambda m: {"memberUserId": m}, st.sampled_from((1001, 1002, 1003, 1004, 1006, 2001))),
                   st.builds(lambda d: {"clientId": d}, st.integers(1, 4)))
factors = st.one_of(st.sampled_from([0, 0.5, 1, 2, 3, 10]), st.floats(0, 12).map(lambda x: round(x, 3)))
factor_events = st.builds(lambda span, scope, model, f: {**span, **scope, **model, "factor": f},
                          spans, scopes, st.sampled_from([{}, {"modelId": 1}, {"modelId": 7}, {"modelId": 2}]),
                          factors)


@st.composite
def set_events(draw: st.DrawFn) -> dict[str, Any]:
    model = draw(st.sampled_from(MODELS))
    figures = {name: draw(st.integers(0, 10**6 if name == "total_calls" else 10**8))
               for name in DRAWN[model] if draw(st.booleans())}
    if draw(st.booleans()):
        minor = draw(st.integers(0, 10**9))
        figures["total_amount"] = f"{minor // 10_000}.{minor % 10_000:04d}"
    return {**draw(spans), "modelId": model, "apiKeyId": draw(st.sampled_from(KEYS)), "set": figures}


events = st.lists(st.one_of(factor_events, set_events()), max_size=4)
clocks = st.one_of(st.none(), st.tuples(st.integers(MARCH_1 - 6 * HOUR, MARCH_1 + 30 * HOUR),
                                        st.one_of(st.sampled_from([0, 0, 30, 90]), st.integers(0, 600))))
filters = st.sampled_from([{}, {"clientId": 2}, {"clientId": 2, "apiKeyId": 5101}, {"clientIds": "2,3"},
                           {"clientId": 3, "memberUserIds": ""}, {"clientId": 2, "memberUserIds": "1001,1003"},
                           {"clientId": 4, "apiKeyId": 5302}])


def shape(emu: Emulator, evs: list[dict[str, Any]], clock: tuple[int, int] | None) -> None:
    emu.reset()
    for event in evs:
        emu.usage_events.add(event)
    if clock is not None:
        emu.clock.set(clock[0], lag_minutes=clock[1])


def query(http: httpx.Client, model: int, start: int, end: int, **params: Any) -> list[dict[str, Any]]:
    r = get(http, modelId=model, startTime=start, endTime=end, pageSize=100, **params)
    assert r.status_code == 200, r.text
    out = rows(r.json())
    assert len(out) == r.json()["data"]["total"]
    for row in out:  # (iv) everywhere
        if "total_tokens" in row:
            assert row["total_tokens"] == row["input_tokens"] + row.get("output_tokens", 0), row
    return out


def hourly(http: httpx.Client, model: int, day: int, **params: Any) -> list[dict[str, Any]]:
    return query(http, model, day, day + DAY, **params)


def daily(http: httpx.Client, model: int, **params: Any) -> list[dict[str, Any]]:
    """Eight daily rows, Feb 26 .. Mar 4 (Shanghai)."""
    out = query(http, model, MARCH_1 - 3 * DAY, MARCH_1 + 5 * DAY, **params)
    assert [r["timestamp"] for r in out] == [MARCH_1 + (i - 3) * DAY for i in range(8)]
    return out


def total(parts: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Row by row, column by column sums of several answers over the same buckets."""
    first = parts[0]
    assert all([r["timestamp"] for r in p] == [r["timestamp"] for r in first] for p in parts)
    return [{k: row[k] if k == "timestamp" else sum(p[i][k] for p in parts) for k in row}
            for i, row in enumerate(first)]


@SETTINGS
@given(evs=events, clock=clocks, model=st.sampled_from(MODELS), day=st.sampled_from(DAYS), params=filters)
def test_a_day_is_the_sum_of_its_hours(emu: Emulator, http: httpx.Client, evs: list[dict[str, Any]],
                                       clock: tuple[int, int] | None, model: int, day: int,
                                       params: dict[str, Any]) -> None:
    shape(emu, evs, clock)
    days = daily(http, model, **params)
    the_day = next(r for r in days if r["timestamp"] == day)
    hours = hourly(http, model, day, **params)
    assert len(hours) == 24
    assert the_day == {k: day if k == "timestamp" else sum(h[k] for h in hours) for k in the_day}


@SETTINGS
@given(evs=events, clock=clocks, model=st.sampled_from(MODELS), department=st.integers(1, 4),
       granularity=st.sampled_from(["hourly", "daily"]))
def test_a_department_is_its_own_keys_plus_each_member(emu: Emulator, http: httpx.Client, evs: list[dict[str, Any]],
                                                       clock: tuple[int, int] | None, model: int, department: int,
                                                       granularity: str) -> None:
    shape(emu, evs, clock)

    def ask(**params: Any) -> list[dict[str, Any]]:
        if granularity == "daily":
            return daily(http, model, clientId=department, **params)
        return hourly(http, model, MARCH_1, clientId=department, **params)

    parts = [ask(memberUserIds="")] + [ask(memberUserIds=str(m)) for m in MEMBERS[department]]
    assert ask() == total(parts)


@SETTINGS
@given(evs=events, clock=clocks, model=st.sampled_from(MODELS), pair=st.lists(st.integers(1, 4), min_size=2,
                                                                              max_size=2, unique=True),
       day=st.sampled_from(DAYS))
def test_client_ids_are_the_sum_of_their_departments(emu: Emulator, http: httpx.Client, evs: list[dict[str, Any]],
                                                     clock: tuple[int, int] | None, model: int, pair: list[int],
                                                     day: int) -> None:
    shape(emu, evs, clock)
    a, b = pair
    both = hourly(http, model, day, clientIds=f"{a},{b}")
    assert both == total([hourly(http, model, day, clientId=a), hourly(http, model, day, clientId=b)])
    both_days = daily(http, model, clientIds=f"{a},{b}")
    assert both_days == total([daily(http, model, clientId=a), daily(http, model, clientId=b)])


@SETTINGS
@given(evs=events, model=st.sampled_from([1, 7]), params=filters, start=st.integers(MARCH_1 - 6 * HOUR, MARCH_1 + DAY),
       lag=st.integers(0, 300))
def test_total_tokens_is_the_sum_of_its_parts(emu: Emulator, http: httpx.Client, evs: list[dict[str, Any]], model: int,
                                              params: dict[str, Any], start: int, lag: int) -> None:
    shape(emu, evs, (start + 7 * HOUR, lag))
    rows_seen = query(http, model, start, start + 2 * DAY, **params) + daily(http, model, **params)
    assert rows_seen and all("total_tokens" in r for r in rows_seen)


@SETTINGS
@given(evs=events, model=st.sampled_from(MODELS), params=filters,
       t1=st.integers(MARCH_1 - 6 * HOUR, MARCH_1 + 30 * HOUR),
       step=st.one_of(st.integers(1, 120), st.integers(1, 2 * DAY)), lag=st.sampled_from([0, 45, 90, 600]))
def test_figures_never_decrease_as_the_clock_moves_forward(emu: Emulator, http: httpx.Client,
                                                           evs: list[dict[str, Any]], model: int,
                                                           params: dict[str, Any], t1: int, step: int,
                                                           lag: int) -> None:
    shape(emu, evs, (t1, lag))
    before = hourly(http, model, MARCH_1, **params) + daily(http, model, **params)
    emu.clock.advance(step)
    after = hourly(http, model, MARCH_1, **params) + daily(http, model, **params)
    for old, new in zip(before, after, strict=True):
        assert old["timestamp"] == new["timestamp"]
        assert all(new[k] >= old[k] for k in old), (old, new)
