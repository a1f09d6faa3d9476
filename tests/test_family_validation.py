"""Every validation case of the billing family's parameters, raw: code, message naming the
parameter, and (for what model-detail also takes) exactly model-detail's message."""

from __future__ import annotations

import httpx
import pytest
from family_helpers import ACTIONS, COST, call, ok
from helpers import DAY, MARCH_1, SHARED_INVALID, error_of
from kit import assert_invalid

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}

SHARED = SHARED_INVALID  # the time span, filter and token cases model-detail has too
MODEL_TYPES = ["", "Chat,,TTS", ",Chat", "Chat,", "Chat1", "Chat TTS", "Chat;TTS", "x" * 65, "Çhat", "chat,Chat",
               "LLM,chat", "vl,ChatMultimodal"]
OWN = [  # (actions, change, name, reason)
    *[(COST, {"modelTypes": t}, "modelTypes", "more than once" if i >= 9 else "must list model types like")
      for i, t in enumerate(MODEL_TYPES)],
    *[(["overview", "trend", "models"], {"granularity": g}, "granularity", "must be one of hourly, daily")
      for g in ("weekly", "", "hour", "day")],
    (["trend"], {"granularity": "hourly", "endTime": str(MARCH_1 + 31 * DAY + 1)}, "granularity", "at most 31 days"),
    (["models"], {"search": "x" * 129}, "search", "longer than 128"),
    (["summary"], {"modelId": "999"}, "modelId", "no model has id 999"),
    (["summary"], {"modelId": "0"}, "modelId", "positive model id"),
    (["summary"], {"modelId": "abc"}, "modelId", "base-10 integer"),
    *[(["tabs", "tree", "catalogue"], change, name, reason) for change, name, reason in SHARED[-5:]],
    (["catalogue"], {"pageSize": "0"}, "pageSize", "between 1 and 100"),
    (["catalogue"], {"pageSize": "101"}, "pageSize", "between 1 and 100"),
    (["catalogue"], {"pageIndex": "0"}, "pageIndex", "between 1 and 2147483647"),
    (["catalogue"], {"pageIndex": "2147483648"}, "pageIndex", "between 1 and 2147483647"),
    (["catalogue"], {"status": "x"}, "status", "base-10 integer"),
    (["catalogue"], {"status": "2147483648"}, "status", "between"),
    (["catalogue"], {"orderBy": "price"}, "orderBy", 'must be one of id, name, modelCode, got "price"'),
    (["catalogue"], {"orderBy": ""}, "orderBy", "must be one of"),
    (["catalogue"], {"orderDirection": "up"}, "orderDirection", "must be one of ASC, DESC"),
    (["catalogue"], {"needTotalCount": "yes"}, "needTotalCount", "must be true or false"),
    (["catalogue"], {"needTotalCount": "1"}, "needTotalCount", "must be true or false"),
    (["catalogue"], {"keyword": "k" * 129}, "keyword", "longer than 128"),
    (["catalogue"], {"groupBy": "g" * 65}, "groupBy", "longer than 64"),
    (["catalogue"], {"modelType": "Chat,,TTS"}, "modelType", "must list model types like"),
    (["catalogue"], {"modelType": "chat,LLM"}, "modelType", "more than once"),
]


@pytest.mark.parametrize("action", COST)
@pytest.mark.parametrize("change, name, reason", SHARED, ids=[f"{n}:{r}" for _, n, r in SHARED])
def test_shared_cases_answer_as_model_detail(aicontent_emulator: Emulator, action: str, change: dict, name: str,
                                             reason: str) -> None:
    body = assert_invalid(call(aicontent_emulator.url, action, {**SPAN, **change}), name, reason)
    detail = error_of(call(aicontent_emulator.url, "detail", {"modelId": 1, **SPAN, **change}))
    assert (body["Code"], body["Message"]) == (detail["Code"], detail["Message"])


CASES = [(a, change, name, reason) for actions, change, name, reason in OWN for a in actions]


@pytest.mark.parametrize("action, change, name, reason", CASES,
                         ids=[f"{a}-{n}:{r[:24]}:{str(list(c.values())[0])[:12]}" for a, c, n, r in CASES])
def test_own_cases(aicontent_emulator: Emulator, action: str, change: dict, name: str, reason: str) -> None:
    base = SPAN if action in COST else {}
    assert_invalid(call(aicontent_emulator.url, action, {**base, **change}), name, reason)


@pytest.mark.parametrize("action", COST)
@pytest.mark.parametrize("missing", ["startTime", "endTime"])
def test_missing_parameter(aicontent_emulator: Emulator, action: str, missing: str) -> None:
    r = call(aicontent_emulator.url, action, {k: v for k, v in SPAN.items() if k != missing})
    assert r.status_code == 400
    body = error_of(r)
    assert (body["Code"], body["Message"]) == ("MissingParameter", f'The input parameter "{missing}" that is '
                                               "mandatory for processing this request is not supplied.")


@pytest.mark.parametrize("action", ["overview", "tabs", "catalogue"])
def test_parameter_given_twice_and_xml_form(aicontent_emulator: Emulator, action: str) -> None:
    query = f"startTime={MARCH_1}&endTime={MARCH_1 + DAY}&maxResults=2&maxResults=2"
    r = httpx.get(f"{aicontent_emulator.url}{ACTIONS[action][1]}?{query}")  # Accept: */* → XML
    assert r.headers["content-type"] == "text/xml;charset=utf-8"
    assert_invalid(r, "maxResults", "was given more than once")


def test_accepted_edges(aicontent_emulator: Emulator) -> None:
    """The limits themselves are accepted: 31 days hourly, 366 days, 128 characters, every
    granularity on every action that takes one."""
    base = aicontent_emulator.url
    hourly = ok(call(base, "trend", {"startTime": MARCH_1, "endTime": MARCH_1 + 31 * DAY, "granularity": "hourly"}))
    assert hourly["data"]["granularity"] == "hourly" and len(hourly["data"]["points"]) == 31 * 24
    for action in ("overview", "models"):  # accepted and ignored: the same answer either way
        plain = ok(call(base, action, {**SPAN, "endTime": MARCH_1 + 40 * DAY}))["data"]
        for g in ("hourly", "daily"):
            assert ok(call(base, action, {**SPAN, "endTime": MARCH_1 + 40 * DAY, "granularity": g}))["data"] == plain
    year = {"startTime": MARCH_1, "endTime": MARCH_1 + 366 * DAY}
    assert len(ok(call(base, "trend", {**year, "granularity": "daily"}))["data"]["points"]) == 366
    assert len(ok(call(base, "summary", year))["data"]["points"]) == 366
    assert ok(call(base, "models", {**SPAN, "search": "x" * 128}))["data"]["rows"] == []
    assert ok(call(base, "models", {**SPAN, "search": "语" * 128}))["data"]["rows"] == []
    assert ok(call(base, "catalogue", {"keyword": "k" * 128, "groupBy": "g" * 64}))["data"]["total"] == "0"
    assert ok(call(base, "catalogue", {"status": "-2147483648", "needTotalCount": "false"}))["data"]["list"] == []


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
