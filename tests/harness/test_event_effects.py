"""What usage events do to the figures: factor (outage, spike, any scale) and set (exact figures),
applied per key and hour in the order added, touching nothing they do not select; amounts follow
from the scenario's prices (GET /_emulator/scenario), exactly, in 0.0001 元."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from helpers import DAY, MARCH_1, get, rows, ts, without_request_id

from emulator.server import Emulator

NOON = ts(2024, 3, 1, 12)
DEPARTMENT = {5001: 1, 5101: 2, 5102: 2, 5103: 2, 5104: 2, 5105: 2, 5201: 3, 5202: 3, 5203: 3, 5301: 4, 5302: 4}
DERIVED = ("total_tokens",)


def day(http: httpx.Client, model: int = 1, **params: Any) -> list[dict[str, Any]]:
    r = get(http, modelId=model, startTime=MARCH_1, endTime=MARCH_1 + DAY, pageSize=24, **params)
    assert r.status_code == 200, r.text
    return rows(r.json())


def key_day(http: httpx.Client, key: int, model: int = 1) -> list[dict[str, Any]]:
    return day(http, model, clientId=DEPARTMENT[key], apiKeyId=key)


def add(http: httpx.Client, **body: Any) -> dict[str, Any]:
    r = http.post("/_emulator/usage-events", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def hours(first: int, last: int) -> dict[str, int]:
    """The span of March 1's hours first..last (inclusive)."""
    return {"startTime": MARCH_1 + first * 3600, "endTime": MARCH_1 + (last + 1) * 3600}


def cost(http: httpx.Client, model: int, figures: dict[str, int]) -> int:
    """floor(exact cost) in 0.0001 元, from the scenario's published prices."""
    scenario = http.get("/_emulator/scenario").json()
    prices = next(m for m in scenario["models"] if m["id"] == model)["prices"]
    exact = sum(Fraction(p["yuan"]) * figures[metric] / p["per"] for metric, p in prices.items())
    return int(exact * 10_000 // 1)


def usage(row: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in row.items() if k not in ("timestamp", "total_amount", *DERIVED)}


def minus(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {k: a[k] if k == "timestamp" else a[k] - b[k] for k in a}


def test_outage_of_one_key(http: httpx.Client) -> None:
    """factor 0 on key 5101, 10:00-13:00: its hours are zeros and its department (and the whole
    organisation) lose exactly its former figures, amounts included."""
    key_before, dept_before, org_before = key_day(http, 5101), day(http, clientId=2), day(http)
    add(http, **hours(10, 12), apiKeyId=5101, factor=0)
    key_after, dept_after, org_after = key_day(http, 5101), day(http, clientId=2), day(http)
    for h in range(24):
        if 10 <= h <= 12:
            assert all(v == 0 for k, v in key_after[h].items() if k != "timestamp")
            assert dept_after[h] == minus(dept_before[h], key_before[h])
            assert org_after[h] == minus(org_before[h], key_before[h])
            assert key_before[h]["total_calls"] > 0
        else:
            assert (key_after[h], dept_after[h], org_after[h]) == (key_before[h], dept_before[h], org_before[h])


@pytest.mark.parametrize("model", [1, 7, 8, 12])
@pytest.mark.parametrize("factor", [10, 2.5, 1.5, 0.1, 0.3])
def test_factor_scales_usage_and_reprices(http: httpx.Client, model: int, factor: float) -> None:
    """Every usage figure x → floor(x·f) (f exact as written), none left where the calls floor to
    0, derived sums recomputed, the amount floor(exact cost) of the new figures."""
    before = key_day(http, 5102, model)
    add(http, **hours(8, 19), modelId=model, apiKeyId=5102, factor=factor)
    after = key_day(http, 5102, model)
    f = Fraction(str(factor))
    for h in range(24):
        if not 8 <= h <= 19:
            assert after[h] == before[h]
            continue
        expected = {k: v * f.numerator // f.denominator for k, v in usage(before[h]).items()}
        if expected["total_calls"] == 0:  # no calls left: no usage either
            expected = dict.fromkeys(expected, 0)
        assert usage(after[h]) == expected
        if "total_tokens" in after[h]:
            assert after[h]["total_tokens"] == expected["input_tokens"] + expected.get("output_tokens", 0)
        assert after[h]["total_amount"] == cost(http, model, expected)
    assert sum(r["total_calls"] for r in before[8:20]) > 0


def test_factor_one_is_the_identity(http: httpx.Client) -> None:
    before = get(http, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, pageSize=24, clientId=2)
    add(http, **hours(0, 23), factor=1)
    after = get(http, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, pageSize=24, clientId=2)
    assert without_request_id(after.content) == without_request_id(before.content)


def test_set_gives_exact_figures(http: httpx.Client) -> None:
    """set: exactly the given figures in each hour; total_tokens derived; total_amount derived
    from prices, or kept exactly when given; the day is the sum of its hours."""
    before = key_day(http, 5103)
    derived = {"total_calls": 40, "input_tokens": 123_457, "output_tokens": 9_999}
    add(http, **hours(9, 10), modelId=1, apiKeyId=5103, set=derived)
    given = {"total_calls": 3, "input_tokens": 0, "output_tokens": 7, "total_tokens": 7, "total_amount": 12.3456}
    add(http, **hours(14, 14), modelId=1, apiKeyId=5103, set=given)
    after = key_day(http, 5103)
    for h in (9, 10):
        assert after[h] == {"timestamp": MARCH_1 + h * 3600, **derived, "total_tokens": 133_456,
                            "total_amount": cost(http, 1, derived)}
    assert after[14] == {"timestamp": MARCH_1 + 14 * 3600, **given, "total_amount": 123_456}
    assert [r for h, r in enumerate(after) if h not in (9, 10, 14)] == [
        r for h, r in enumerate(before) if h not in (9, 10, 14)]
    r = get(http, modelId=1, startTime=MARCH_1 - 7 * DAY, endTime=MARCH_1 + DAY, clientId=2, apiKeyId=5103)
    daily = rows(r.json())[-1]
    assert daily == {"timestamp": MARCH_1, **{k: sum(row[k] for row in after) for k in daily if k != "timestamp"}}


def test_set_on_other_model_types(http: httpx.Client) -> None:
    add(http, **hours(12, 12), modelId=7, apiKeyId=5104, set={"total_calls": 5, "input_tokens": 2000,
                                                              "total_tokens": 2000})
    add(http, **hours(12, 12), modelId=9, apiKeyId=5104, set={"video_duration": 30, "total_amount": 0})
    assert key_day(http, 5104, 7)[12] == {"timestamp": NOON, "total_calls": 5, "input_tokens": 2000,
                                          "total_tokens": 2000, "total_amount": cost(http, 7, {"input_tokens": 2000})}
    assert key_day(http, 5104, 9)[12] == {"timestamp": NOON, "total_calls": 0, "video_duration": 30,
                                          "total_amount": 0}


@pytest.mark.parametrize("order", ["factor-then-set", "set-then-factor"])
def test_events_apply_in_the_order_added(http: httpx.Client, order: str) -> None:
    exact = {"total_calls": 100, "input_tokens": 1000, "output_tokens": 501}
    events = [{"factor": 3}, {"modelId": 1, "set": exact}]
    for effect in events if order == "factor-then-set" else events[::-1]:
        add(http, **hours(12, 12), apiKeyId=5105, **effect)
    got = key_day(http, 5105)[12]
    if order == "factor-then-set":
        assert usage(got) == exact and got["total_amount"] == cost(http, 1, exact)
    else:
        tripled = {k: 3 * v for k, v in exact.items()}
        assert usage(got) == tripled and got["total_amount"] == cost(http, 1, tripled)
        assert got["total_tokens"] == 4503


@pytest.mark.parametrize("factor, expected", [(0.29, (29, 435, 232)), (2.3, (230, 3450, 1840)),
                                              (0.7, (70, 1050, 560))])
def test_factor_is_exact_decimal_arithmetic(http: httpx.Client, factor: float, expected: tuple[int, ...]) -> None:
    """floor(x·f) with f as written: 100 × 0.29 is 29 (in binary floating point it is 28.999…)."""
    add(http, **hours(12, 12), modelId=1, apiKeyId=5102,
        set={"total_calls": 100, "input_tokens": 1500, "output_tokens": 800})
    add(http, **hours(12, 12), modelId=1, apiKeyId=5102, factor=factor)
    got = key_day(http, 5102)[12]
    assert (got["total_calls"], got["input_tokens"], got["output_tokens"]) == expected
    assert got["total_amount"] == cost(http, 1, usage(got))


def test_an_event_on_model_2_leaves_model_1_alone(http: httpx.Client) -> None:
    def both() -> tuple[bytes, bytes]:
        return tuple(without_request_id(get(http, modelId=m, startTime=MARCH_1, endTime=MARCH_1 + DAY, pageSize=24,
                                            clientId=2).content) for m in (1, 2))  # type: ignore[return-value]

    one, two = both()
    add(http, **hours(0, 23), modelId=2, factor=0)
    add(http, **hours(5, 6), modelId=2, apiKeyId=5101, set={"total_calls": 1})
    one_after, two_after = both()
    assert one_after == one and two_after != two


def test_an_event_on_one_key_leaves_other_keys_alone(http: httpx.Client) -> None:
    others = [k for k in DEPARTMENT if k != 5101]
    before = {k: key_day(http, k) for k in others}
    depts = {d: day(http, clientId=d) for d in (1, 3, 4)}
    add(http, **hours(0, 23), apiKeyId=5101, factor=7)
    add(http, **hours(3, 4), modelId=1, apiKeyId=5101, set={"total_calls": 9})
    assert {k: key_day(http, k) for k in others} == before
    assert {d: day(http, clientId=d) for d in (1, 3, 4)} == depts


def test_scopes_select_member_and_department_keys(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    """memberUserId: that member's keys (1001 has 5101 and 5105); clientId: the department's own
    keys, not a sub-department's (4 is under 2); no scope: every key, of every organisation."""
    before = {k: key_day(http, k) for k in DEPARTMENT}
    add(http, **hours(12, 12), memberUserId=1001, factor=0)
    add(http, **hours(13, 13), clientId=2, factor=0)
    after = {k: key_day(http, k) for k in DEPARTMENT}
    for hour, chosen in ((12, {5101, 5105}), (13, {5101, 5102, 5103, 5104, 5105})):
        emptied = {k for k in DEPARTMENT if after[k][hour]["total_calls"] == 0 and before[k][hour]["total_calls"] > 0}
        assert emptied == chosen
        assert all(after[k][hour] == before[k][hour] for k in DEPARTMENT if k not in chosen)
    other = aicontent_emulator.client("other-org-admin")

    def other_calls() -> int:
        body = other.model_router_query_cost_model_detail(models.ModelRouterQueryCostModelDetailRequest(
            model_id=1, start_time=NOON, end_time=NOON + 3600)).body
        return int(json.loads(body.data.rows[0].values)["total_calls"])

    assert other_calls() > 0
    add(http, **hours(12, 12), factor=0)
    assert other_calls() == 0 and day(http)[12]["total_calls"] == 0 and day(http)[11]["total_calls"] > 0


def test_page_tokens_issued_before_an_event_stay_valid(http: httpx.Client) -> None:
    first = get(http, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, maxResults=6, clientId=2).json()
    token = first["nextToken"]
    assert token and len(first["data"]["rows"]) == 6
    add(http, **hours(6, 11), clientId=2, factor=0)
    r = get(http, modelId=1, startTime=MARCH_1, endTime=MARCH_1 + DAY, maxResults=6, clientId=2, nextToken=token)
    assert r.status_code == 200, r.text
    page = rows(r.json())
    assert [row["timestamp"] for row in page] == [MARCH_1 + h * 3600 for h in range(6, 12)]
    assert all(v == 0 for row in page for k, v in row.items() if k != "timestamp")
    assert rows(first)[:6] == day(http, clientId=2)[:6]
