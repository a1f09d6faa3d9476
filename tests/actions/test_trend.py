"""ModelRouterQueryCostTrendMetrics (GET billing/cost/trend): the metrics bucket by bucket,
through the SDK and on the wire, its validation rows and its hourly limit."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from family_helpers import (
    COST,
    USAGE_KEYS,
    call,
    own_invalid,
    refused,
    sdk,
    sdk_invalid,
)
from helpers import DAY, MARCH_1
from kit import assert_invalid

from emulator.api.text import _point_template
from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}


def test_trend_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "trend")
    data = body.data
    assert isinstance(data, models.CostQueryTrendDTO)
    assert (data.default_metric, data.granularity) == ("total_amount", "hourly")
    assert [m.key for m in data.metrics] == USAGE_KEYS + ["model_count", "total_amount"]
    assert all(isinstance(m, models.MetricDefRespDTO) and m.sortable is True and m.label and m.unit
               for m in data.metrics)
    assert [p.timestamp for p in data.points] == [MARCH_1 + h * 3600 for h in range(48)]
    first = data.points[0]
    assert isinstance(first, models.TrendPointDTO) and isinstance(first.values, str)
    assert list(json.loads(first.values)) == [m.key for m in data.metrics]  # no timestamp inside
    assert body.max_results == 48 and body.next_token == ""
    assert sdk(aicontent_client, "trend", end_time=MARCH_1 + 8 * DAY).data.granularity == "daily"
    explicit = sdk(aicontent_client, "trend", granularity="daily")
    assert (explicit.data.granularity, [p.timestamp for p in explicit.data.points]) == ("daily", [MARCH_1,
                                                                                                  MARCH_1 + DAY])


# -- validation rows: its own (raw), and through the SDK ----------------------------------------
OWN_CASES = own_invalid("trend")


@pytest.mark.parametrize("action, change, name, reason", OWN_CASES,
                         ids=[f"{a}-{n}:{r[:24]}:{str(list(c.values())[0])[:12]}" for a, c, n, r in OWN_CASES])
def test_own_cases(aicontent_emulator: Emulator, action: str, change: dict, name: str, reason: str) -> None:
    base = SPAN if action in COST else {}
    assert_invalid(call(aicontent_emulator.url, action, {**base, **change}), name, reason)


SDK_CASES = sdk_invalid("trend")


@pytest.mark.parametrize("name, kw, wire, reason", SDK_CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:20]}" for c in SDK_CASES])
def test_invalid_parameter(aicontent_client: Any, name: str, kw: dict, wire: str, reason: str) -> None:
    err = refused(aicontent_client, name, **kw)
    assert (err.code, err.status_code) == ("InvalidParameter", 400)
    message = err.data["Message"]
    assert message.startswith(f'The parameter "{wire}" is invalid: ') and reason in message, message


@pytest.mark.parametrize("account, extra", [("admin", {"clientId": "999"}), ("dept-scoped", {"clientId": "3"}),
                                            ("denied", {}), ("no-org", {}), ("other-org-admin", {"clientId": "2"})])
def test_hourly_limit_is_checked_with_the_other_request_checks(aicontent_emulator: Emulator, account: str,
                                                              extra: dict) -> None:
    """The rule "hourly covers at most 31 days" is judged from the request alone, as the 366-day span limit
    is: it must be reported before the caller's organisation, RAM policy, department existence and
    scope are looked at (pipeline steps 5 before 6–9), exactly as the span limit is."""
    acct = aicontent_emulator.accounts[account]
    too_long = {"startTime": MARCH_1, "endTime": MARCH_1 + 367 * DAY, **extra}
    assert_invalid(call(aicontent_emulator.url, "trend", too_long, acct), "endTime", "maximum of 366 days")
    hourly = {"startTime": MARCH_1, "endTime": MARCH_1 + 40 * DAY, "granularity": "hourly", **extra}
    assert_invalid(call(aicontent_emulator.url, "trend", hourly, acct), "granularity", "at most 31 days")


JSON = {"accept": "application/json"}
PREFIX = "/api/v1/modelRouter/open/"


def test_trend_templates_do_not_grow_with_spans(http: httpx.Client) -> None:
    """The per-point template is cached by key set and encoding, never by the number of points."""
    before = _point_template.cache_info().currsize
    for hours in range(1, 60):
        r = http.get(PREFIX + "billing/cost/trend", params={"startTime": MARCH_1, "endTime": MARCH_1 + hours * 3600},
                     headers=JSON)
        assert r.status_code == 200
    assert _point_template.cache_info().currsize <= before + 1  # one key set, one encoding
