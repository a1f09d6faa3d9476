"""The chargeback breakdowns' sums as property tests, over random spans (hourly or daily, whole
hours and days or not), filters (clientId, clientIds, memberUserIds, apiKeyId), model sets,
accounts, seeds, both empty_buckets forms and values encodings, a data clock fixed inside the span
and usage events (tests/chargeback_situations.py):
- a bucket's rows for a model add up to model-detail's row, each selected key has its row
  (empty_buckets=zero: `total` = buckets × models × keys; omit: only the rows with usage), and
  Σ payableAmount = the overview's total_amount, exactly;
- on whole days the granularity is irrelevant: the hourly rows summed by day are the daily rows;
- the usage breakdown's metrics are the cost breakdown's non-zero values without the amount;
- the key, member and department names of the rows are the directory's (QueryApiKeyList,
  QueryUserList, QueryClientList under client_list=all).
The prices are tests/properties/test_chargeback_prices.py. Amounts in integers of 0.0001 元."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from chargeback_helpers import DEPARTMENTS, METRICS, VISIBLE, get, minor, ok, rows, selected_keys
from chargeback_situations import (
    COST,
    DATA_FROM,
    DATA_UNTIL,
    FILTERS,
    PROPS,
    SEEDS,
    USAGE,
    Situation,
    buckets,
    in_m,
    midnight,
    situations,
    two_emulators,
)
from family_helpers import detail_rows
from helpers import DAY
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.server import Emulator


@pytest.fixture(scope="module")
def emus() -> Iterator[list[Emulator]]:
    yield from two_emulators()


def grouped(sit: Situation, cost_rows: list[dict[str, Any]], span_of: Any) -> dict[tuple[int, int, int], Counter]:
    """The rows' values summed by (bucket of `span_of(summaryTime)`, model, key)."""
    out: dict[tuple[int, int, int], Counter] = {}
    for r in cost_rows:
        out.setdefault((span_of(r["summaryTime"]), r["modelId"], r["apiKeyId"]), Counter()).update(sit.values(r))
    return out


@PROPS
@given(s=situations())
def test_rows_add_up_to_model_detail_and_the_overview(emus: list[Emulator], s: dict[str, Any]) -> None:
    with Situation(emus, s) as sit:
        got = sit.rows()
        models, keys = in_m(s["models"]), selected_keys(s["account"], s["filters"])
        stamps = buckets(s["start"], s["end"], s["granularity"])
        order = [(r["summaryTime"], r["modelId"], r["apiKeyId"]) for r in got]
        assert order == sorted(set(order))
        if sit.omit:
            assert all(any(sit.values(r).values()) for r in got)
        else:
            assert order == [(t, m, k) for t in stamps for m in models for k in keys]
        by_bucket: dict[tuple[int, int], Counter] = {}
        for r in got:
            assert r["summaryTime"] in stamps and r["modelId"] in models and r["apiKeyId"] in keys
            by_bucket.setdefault((r["summaryTime"], r["modelId"]), Counter()).update(sit.values(r))
        for m in models:  # model-detail with the same span (the same automatic granularity) and filters
            detail = detail_rows(sit.emu.url, m, sit.query(), sit.emu.accounts[s["account"]], sit.double)
            assert {(r["timestamp"], m) for r in detail} >= {b for b in by_bucket if b[1] == m}
            for row in detail:
                want = {k: v for k, v in row.items() if k != "timestamp"}
                summed = by_bucket.get((row["timestamp"], m), Counter())
                assert {k: summed.get(k, 0) for k in METRICS[m]} == want, (m, row["timestamp"])
        assert sum(minor(r["payableAmount"]) for r in got) == sit.total()


@PROPS
@given(s=situations(max_days=4, aligned=True))
def test_on_whole_days_hourly_rows_sum_to_the_daily_rows(emus: list[Emulator], s: dict[str, Any]) -> None:
    with Situation(emus, s) as sit:
        hourly = sit.rows(granularity="hourly")
        daily = sit.rows(granularity="daily")
        assert {r["summaryTime"] for r in daily} <= set(buckets(s["start"], s["end"], "daily"))
        assert {r["summaryTime"] for r in hourly} <= set(buckets(s["start"], s["end"], "hourly"))
        assert {k: dict(v) for k, v in grouped(sit, daily, midnight).items()} == {
            k: dict(v) for k, v in grouped(sit, hourly, midnight).items() if not sit.omit or any(v.values())}
        total = sit.total()
        assert sum(minor(r["payableAmount"]) for r in hourly) == sum(minor(r["payableAmount"]) for r in daily) == total


@PROPS
@given(s=situations(max_hours=24, max_days=10))
def test_usage_metrics_are_the_cost_values_without_the_amount(emus: list[Emulator], s: dict[str, Any]) -> None:
    with Situation(emus, s) as sit:
        usage, cost = sit.rows(USAGE, models=False), sit.rows(models=False)
        assert len(usage) == len(cost)
        head = ("apiKeyId", "apiKeyName", "clientId", "clientName", "memberUserId", "memberUserName", "modelCode",
                "modelId", "modelName", "modelType", "summaryTime")
        for u, c in zip(usage, cost):
            assert {k: u[k] for k in head} == {k: c[k] for k in head}
            values = sit.values(c)
            assert u["metrics"] == [{"key": k, "value": v} for k, v in values.items() if k != "total_amount" and v]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, len(SEEDS) - 1), account=st.sampled_from(sorted(FILTERS)), data=st.data())
def test_names_are_the_directorys(emus: list[Emulator], seed: int, account: str, data: st.DataObject) -> None:
    emu = emus[seed]
    filters = data.draw(st.sampled_from(FILTERS[account]))
    start = data.draw(st.integers(DATA_FROM, DATA_UNTIL - DAY))
    emu.reset()
    try:
        emu.set_forms(client_list="all")
        keys = {k["id"]: k for k in ok(get(emu, "QueryApiKeyList", account=account, pageSize=100))["data"]["list"]}
        users = {u["id"]: u["name"] for u in ok(get(emu, "QueryUserList", account=account, pageSize=100))["data"][
            "list"]}
        clients = {c["id"]: c["name"] for c in ok(get(emu, "QueryClientList", account=account, pageSize=100))[
            "data"]["list"]}
        assert clients == {c: DEPARTMENTS[c]["name"] for c in VISIBLE[account]}
        q = {"startTime": start, "endTime": start + DAY, "granularity": "daily", **filters}
        for name in (COST, USAGE):
            got = rows(emu, name, account, **q, **({"modelId": data.draw(st.integers(1, 12))} if name == COST else {}))
            assert sorted({r["apiKeyId"] for r in got}) == selected_keys(account, filters)
            for r in got:
                key = keys[r["apiKeyId"]]
                assert (r["apiKeyName"], r["clientId"], r["memberUserId"]) == (key["name"], key["clientId"],
                                                                               key["memberUserId"])
                assert r["memberUserName"] == users.get(r["memberUserId"], "") == key["memberUserName"]
                assert r["clientName"] == clients[r["clientId"]] == key["client"]["name"]
    finally:
        emu.check()
        emu.reset()
