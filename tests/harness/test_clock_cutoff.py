"""No usage from the future: figures are cut at the data clock (minus the lag). Buckets starting at
or after the cutoff are zeros, the hour holding it has floor(final × elapsed / 3600) of each figure
per key, and a daily row is the sum of its hourly rows at the same clock."""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import httpx
import pytest
from helpers import DAY, MARCH_1, add_rows, get, rows, ts, without_request_id

NOON = ts(2024, 3, 1, 12)
DEPT2_KEYS = (5101, 5102, 5103, 5104, 5105)
FIGURES = {1: ("total_calls", "input_tokens", "output_tokens", "total_amount"),
           7: ("total_calls", "input_tokens", "total_amount"),
           8: ("total_calls", "image_count", "total_amount"),
           11: ("total_calls", "asr_duration", "total_amount")}


def day_rows(http: httpx.Client, model: int = 1, day: int = MARCH_1, **params: Any) -> list[dict[str, Any]]:
    r = get(http, modelId=model, startTime=day, endTime=day + DAY, pageSize=24, **params)
    assert r.status_code == 200, r.text
    out = rows(r.json())
    assert len(out) == 24
    return out


def daily_rows(http: httpx.Client, model: int = 1, **params: Any) -> list[dict[str, Any]]:
    """Eight daily rows, 2024-02-23 .. 2024-03-01 (Shanghai); the last is March 1."""
    r = get(http, modelId=model, startTime=MARCH_1 - 7 * DAY, endTime=MARCH_1 + DAY, **params)
    assert r.status_code == 200 and r.json()["data"]["granularity"] == "daily", r.text
    return rows(r.json())


def fix(http: httpx.Client, now: int, lag: int = 0) -> None:
    assert http.put("/_emulator/clock", json={"now": now, "dataLagMinutes": lag}).status_code == 200


def zero(row: dict[str, Any]) -> bool:
    return all(v == 0 for k, v in row.items() if k != "timestamp")


# Unit prices of the default fixture, in 0.0001 元 per unit of each usage figure.
PRICES = {1: {"input_tokens": Fraction(8, 1000), "output_tokens": Fraction(20, 1000)},
          7: {"input_tokens": Fraction(5, 1000)}, 8: {"image_count": Fraction(1400)},
          11: {"asr_duration": Fraction(8, 10)}}


def share_of(model: int, final: dict[str, Any], elapsed: int) -> dict[str, Any]:
    """A key's hour counted `elapsed` seconds in: each usage figure floored in proportion (no
    calls: nothing), priced from that usage, never above the whole hour's amount."""
    out = {"timestamp": final["timestamp"], **{k: v for k, v in final.items() if k != "timestamp"}}
    for name in FIGURES[model][:-1]:
        out[name] = final[name] * elapsed // 3600
    if "total_tokens" in out:
        out["total_tokens"] = out["input_tokens"] + out.get("output_tokens", 0)
    cost = sum(out[name] * price for name, price in PRICES[model].items())
    out["total_amount"] = min(int(cost), final["total_amount"])
    if out["total_calls"] == 0:
        out = {k: (v if k == "timestamp" else 0) for k, v in out.items()}
    return out


@pytest.mark.parametrize("model", sorted(FIGURES))
def test_the_clock_hour_is_a_share_and_later_hours_are_zero(http: httpx.Client, model: int) -> None:
    """At 12:30 every key's 12:00 hour is floor(final / 2) per figure; hours from 13:00 are zeros."""
    fix(http, MARCH_1 + 2 * DAY)
    final = {k: day_rows(http, model, clientId=2, apiKeyId=k) for k in DEPT2_KEYS}
    fix(http, NOON + 1800)
    department = day_rows(http, model, clientId=2)
    expected_noon = {name: 0 for name in department[12] if name != "timestamp"}
    for key in DEPT2_KEYS:
        now = day_rows(http, model, clientId=2, apiKeyId=key)
        assert now[:12] == final[key][:12]
        assert now[12] == share_of(model, final[key][12], 1800)
        for name, value in now[12].items():
            if name != "timestamp":
                assert value <= final[key][12][name]
                assert value > 0 or final[key][12][name] < 2 or final[key][12]["total_calls"] < 2, (key, name)
                expected_noon[name] += value
        assert all(zero(row) for row in now[13:]), key
    assert {k: v for k, v in department[12].items() if k != "timestamp"} == expected_noon
    assert all(zero(row) for row in department[13:])
    assert any(not zero(row) for row in department[:12])


def test_hour_boundaries_and_growth_while_advancing(http: httpx.Client) -> None:
    """At 12:00:00 the 12:00 hour is empty; it grows every 10 minutes and is whole at 13:00."""
    fix(http, MARCH_1 + 2 * DAY)
    final = day_rows(http, clientId=2, apiKeyId=5101)[12]
    fix(http, NOON)
    seen = [day_rows(http, clientId=2, apiKeyId=5101)[12]]
    assert zero(seen[0])
    for step in range(6):
        assert http.post("/_emulator/clock/advance", json={"seconds": 600}).status_code == 200
        seen.append(day_rows(http, clientId=2, apiKeyId=5101)[12])
        assert seen[-1] == share_of(1, final, 600 * (step + 1))
    assert seen[-1] == final
    for before, after in zip(seen, seen[1:]):
        assert all(after[k] >= before[k] for k in final)
    assert seen[3]["total_calls"] > seen[0]["total_calls"]


def test_lag_moves_the_cutoff_back(http: httpx.Client) -> None:
    """dataLagMinutes=90 at 12:30 answers as the clock at 11:00 with no lag; 100 cuts 10:50."""
    fix(http, NOON + 1800, lag=90)
    lagged = get(http, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, pageSize=24, clientId=2)
    fix(http, NOON - 3600)
    plain = get(http, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, pageSize=24, clientId=2)
    assert without_request_id(lagged.content) == without_request_id(plain.content)
    got = rows(lagged.json())
    assert all(zero(row) for row in got[11:]) and not zero(got[10])
    fix(http, MARCH_1 + 2 * DAY)
    final = day_rows(http, clientId=2, apiKeyId=5103)
    fix(http, NOON + 1800, lag=100)  # cutoff 10:50
    now = day_rows(http, clientId=2, apiKeyId=5103)
    assert now[:10] == final[:10] and now[10] == share_of(1, final[10], 3000)
    assert all(zero(row) for row in now[11:])


def test_lag_from_the_emulator_settings() -> None:
    """`Emulator(now=..., data_lag_minutes=90)` cuts at now − 90 minutes too."""
    from emulator.server import Emulator

    with Emulator(now=NOON + 1800, data_lag_minutes=90) as emu, httpx.Client(base_url=emu.url) as c:
        lagged = day_rows(c, clientId=3)
        fix(c, NOON - 3600)
        assert day_rows(c, clientId=3) == lagged
        assert all(zero(row) for row in lagged[11:]) and not zero(lagged[10])


@pytest.mark.parametrize("params", [{}, {"clientId": 2}, {"clientId": 2, "apiKeyId": 5105},
                                    {"clientIds": "2,3"}, {"clientId": 2, "memberUserIds": ""}])
@pytest.mark.parametrize("lag", [0, 45])
def test_the_day_holding_the_clock_is_the_sum_of_its_hours(http: httpx.Client, params: dict[str, Any],
                                                           lag: int) -> None:
    """Daily row of March 1 at 12:30 == sum of its 24 hourly rows at 12:30 (exact integers);
    earlier days are whole."""
    fix(http, MARCH_1 + 2 * DAY)
    final_days = daily_rows(http, **params)
    fix(http, NOON + 1800, lag)
    days = daily_rows(http, **params)
    hours = day_rows(http, **params)
    total = hours[0]
    for row in hours[1:]:
        total = add_rows([total], [{**row, "timestamp": total["timestamp"]}])[0]
    assert days[-1] == {**total, "timestamp": MARCH_1}
    assert days[:-1] == final_days[:-1]
    assert all(days[-1][k] <= final_days[-1][k] for k in total)
    assert days[-1]["total_calls"] < final_days[-1]["total_calls"]


def test_wall_clock_default_shows_nothing_after_now(http: httpx.Client) -> None:
    """Unfixed: hours starting after the wall clock are zeros, earlier ones are whole."""
    hour = int(time.time()) // 3600 * 3600
    start, end = hour - 3 * 3600, hour + 4 * 3600
    before = int(time.time())
    r = get(http, modelId=1, startTime=start, endTime=end, pageSize=24)
    after = int(time.time()) + 1
    got = rows(r.json())
    fix(http, end + DAY)
    final = rows(get(http, modelId=1, startTime=start, endTime=end, pageSize=24).json())
    assert [row["timestamp"] for row in got] == list(range(start, end, 3600))
    for row, whole in zip(got, final):
        if row["timestamp"] >= after:
            assert zero(row), row
        elif row["timestamp"] + 3600 <= before:
            assert row == whole
        else:
            assert all(row[k] <= whole[k] for k in row)
    assert not zero(got[0]) and any(not zero(row) for row in final[-2:])
