"""Invariants of the data and the paging, as property tests against a live server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from helpers import DAY, add_rows, all_rows, get, rows, ts, without_request_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.server import Emulator

WINDOW_START, WINDOW_END = ts(2023, 1, 1), ts(2031, 1, 1)
PROPS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

starts = st.integers(WINDOW_START - 3 * DAY, WINDOW_END)
models = st.sampled_from([1, 2, 7, 8, 9, 11, 12])


@pytest.fixture(scope="module")
def live(aicontent_emulator_session: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=aicontent_emulator_session.url, timeout=30) as client:
        yield client


@PROPS
@given(model=models, start=starts, span=st.integers(1, 40 * DAY), sizes=st.lists(st.integers(1, 100), min_size=1))
def test_token_walk_equals_page_walk_equals_full_list(live: httpx.Client, model: int, start: int, span: int,
                                                      sizes: list[int]) -> None:
    q = {"modelId": model, "startTime": start, "endTime": start + span}
    full = all_rows(live, **q)
    by_token, token, i = [], "", 0
    while True:
        body = get(live, **q, maxResults=sizes[i % len(sizes)], nextToken=token or None).json()
        by_token += rows(body)
        token, i = body["nextToken"], i + 1
        if not token:
            break
    size = sizes[0]
    by_page = []
    for page in range(1, -(-len(full) // size) + 2):  # one page past the end, which is empty
        by_page += rows(get(live, **q, page=page, pageSize=size).json())
    assert by_token == full == by_page
    assert len(full) == get(live, **q).json()["data"]["total"]


@PROPS
@given(model=models, day=st.integers(0, 8 * 365 - 10),
       clients=st.sampled_from([{}, {"clientId": 2}, {"clientIds": "3,4"}]))
def test_a_day_equals_the_sum_of_its_hours(live: httpx.Client, model: int, day: int, clients: dict) -> None:
    start = WINDOW_START + day * DAY
    daily = all_rows(live, modelId=model, startTime=start, endTime=start + 8 * DAY, **clients)
    assert len(daily) == 8
    for row in daily[:3]:
        hours = all_rows(live, modelId=model, startTime=row["timestamp"], endTime=row["timestamp"] + DAY, **clients)
        assert len(hours) == 24
        summed = {k: sum(h[k] for h in hours) for k in row if k != "timestamp"}
        assert summed == {k: v for k, v in row.items() if k != "timestamp"}


@PROPS
@given(model=models, start=starts, span=st.integers(3600, 20 * DAY))
def test_a_department_equals_the_sum_of_its_parts(live: httpx.Client, model: int, start: int, span: int) -> None:
    q = {"modelId": model, "startTime": start, "endTime": start + span}
    department = all_rows(live, **q, clientId=2)
    parts = all_rows(live, **q, clientId=2, memberUserIds="")
    for member in (1001, 1002, 1003):
        parts = add_rows(parts, all_rows(live, **q, clientId=2, memberUserIds=str(member)))
    assert department == parts
    org = all_rows(live, **q, clientId=1)
    for dep in (2, 3, 4):
        org = add_rows(org, all_rows(live, **q, clientId=dep))
    assert all_rows(live, **q) == org


@PROPS
@given(model=models, start=starts, span=st.integers(3600, 60 * DAY),
       pair=st.sampled_from([(1, 2), (2, 3), (3, 4), (1, 4)]))
def test_client_ids_equal_the_sum_of_each(live: httpx.Client, model: int, start: int, span: int, pair: tuple) -> None:
    q = {"modelId": model, "startTime": start, "endTime": start + span}
    a, b = (all_rows(live, **q, clientId=d) for d in pair)
    assert all_rows(live, **q, clientIds=f"{pair[0]},{pair[1]}") == add_rows(a, b)


def test_daily_amounts_are_the_exact_cost_floored() -> None:
    """A day's amount is floor(Σ usage × unit price) in 0.0001 元; hours carry the remainder."""
    from fractions import Fraction

    from emulator.domain.scenario import load_scenario
    from emulator.domain.usage import UsageGenerator
    from emulator.settings import Settings

    s = Settings()
    scenario = load_scenario(None, 0)
    gen = UsageGenerator(0, s.data_start, s.data_end)
    model, key = scenario.models[1], scenario.api_keys[5101]
    for day in range(100, 130):
        calls, tin, tout, amount = gen.day(model, key, day)
        exact = (Fraction(tin) * Fraction("0.0008") / 1000 + Fraction(tout) * Fraction("0.002") / 1000) * 10_000
        assert amount == int(exact)
        hours = gen.hours(model, key, day)
        assert [sum(h[i] for h in hours) for i in range(4)] == [calls, tin, tout, amount]


def test_same_seed_same_bytes_other_seed_other_data() -> None:
    q = {"modelId": 1, "startTime": ts(2025, 6, 1), "endTime": ts(2025, 6, 3), "clientIds": "2,3", "pageSize": 48}
    bodies = []
    for seed in (5, 5, 6):
        with Emulator(seed=seed) as emu, httpx.Client(base_url=emu.url) as c:
            bodies.append(without_request_id(get(c, **q).content))
    assert bodies[0] == bodies[1]
    assert bodies[0] != bodies[2]


def test_weekends_are_quieter_and_nights_quieter_than_days(live: httpx.Client) -> None:
    year = all_rows(live, modelId=1, startTime=ts(2024, 1, 1), endTime=ts(2024, 12, 30))  # Monday to Sunday
    weekday = sum(r["total_calls"] for i, r in enumerate(year) if i % 7 < 5) / (len(year) * 5 / 7)
    weekend = sum(r["total_calls"] for i, r in enumerate(year) if i % 7 >= 5) / (len(year) * 2 / 7)
    assert weekend < 0.7 * weekday
    week = all_rows(live, modelId=1, startTime=ts(2024, 3, 4), endTime=ts(2024, 3, 9))
    night = sum(r["total_calls"] for r in week if (r["timestamp"] // 3600 + 8) % 24 in (1, 2, 3, 4))
    day = sum(r["total_calls"] for r in week if (r["timestamp"] // 3600 + 8) % 24 in (10, 11, 14, 15))
    assert night * 5 < day


@given(st.integers(0, 10**12 - 1))
def test_amounts_print_as_a_float_would(minor: int) -> None:
    from emulator.render import DECIMALS

    assert f"{minor // 10_000}.{DECIMALS[minor % 10_000].decode()}" == repr(minor / 10_000)
