"""The billing family's invariants I1–I6 and I8 against model-detail, as property tests: random
spans (hourly and daily), filters, accounts, seeds, both empty_buckets forms and both values
encodings, sometimes a fixed data clock inside the span, sometimes usage events in force.
Amounts are compared exactly in integers of 0.0001 元."""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
from family_helpers import COST, WIRE_TYPE, call, decode, detail_rows, minor, ok, walk
from helpers import DAY, ts
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.server import Emulator

PROPS = settings(max_examples=40, deadline=None)
WINDOW_START, WINDOW_END = ts(2023, 1, 1), ts(2031, 1, 1)
DATA_UNTIL = ts(2026, 10, 1)  # the wall clock is later than this (the tests were written in November 2026)
HOUR = 3600
SEEDS = (0, 7, 2024)
KEYS = ["total_calls", "input_tokens", "output_tokens", "total_tokens", "image_count", "video_duration",
        "asr_duration", "characters", "total_amount"]
TEXT = {"total_calls", "input_tokens", "output_tokens", "total_tokens", "total_amount"}
COLUMNS = {**dict.fromkeys(range(1, 7), TEXT), 7: {"total_calls", "input_tokens", "total_tokens", "total_amount"},
           8: {"total_calls", "image_count", "total_amount"}, 9: {"total_calls", "video_duration", "total_amount"},
           10: {"total_calls", "video_duration", "total_amount"}, 11: {"total_calls", "asr_duration", "total_amount"},
           12: {"total_calls", "characters", "total_amount"}}
ORG_FILTERS = [{}, {"clientId": 1}, {"clientId": 2}, {"clientId": 4}, {"clientIds": "2,3"}, {"clientIds": "1,4"},
               {"clientId": 2, "memberUserIds": ""}, {"clientId": 2, "memberUserIds": "1001,1003"},
               {"memberUserIds": "1004"}, {"clientId": 2, "apiKeyId": 5105}, {"clientId": 3, "apiKeyId": 5203}]
FILTERS = {
    "admin": ORG_FILTERS,
    "readonly": ORG_FILTERS,
    "dept-scoped": [{}, {"clientId": 2}, {"clientIds": "2"}, {"clientId": 2, "memberUserIds": ""},
                    {"memberUserIds": "1002"}, {"clientId": 2, "apiKeyId": 5101}],
    "other-org-admin": [{}, {"clientId": 11}, {"memberUserIds": "2001"}, {"clientId": 11, "apiKeyId": 6102},
                        {"clientId": 11, "memberUserIds": ""}],
}
TYPES = [None, None, "Chat", "LLM,TTS", "ImageGeneration,VideoGeneration,VideoImageGeneration", "vl,Embedding,asr",
         "NoSuchType"]
SCOPES = [{}, *({"apiKeyId": k} for k in (5001, 5101, 5104, 5105, 5202, 5301, 6101)),
          *({"memberUserId": m} for m in (1001, 1004, 1006, 2001)), *({"clientId": d} for d in (1, 2, 3, 11))]


@pytest.fixture(scope="module")
def emus() -> Iterator[list[Emulator]]:
    with Emulator(seed=SEEDS[0]) as a, Emulator(seed=SEEDS[1]) as b, Emulator(seed=SEEDS[2]) as c:
        yield [a, b, c]


def in_m(types: str | None) -> list[int]:
    """The model set M of a modelTypes value (case-insensitive, LLM = Chat, VL = ChatMultimodal)."""
    if types is None:
        return list(range(1, 13))
    wanted = {{"llm": "chat", "vl": "chatmultimodal"}.get(t.lower(), t.lower()) for t in types.split(",")}
    return [m for m in range(1, 13) if WIRE_TYPE[m].lower() in wanted]


def avg_tokens(tokens: int, calls: int) -> float:
    """The overview's avg_tokens: tokens per call, rounded half up to 2 decimals (0 without calls)."""
    return math.floor(Fraction(tokens, calls) * 100 + Fraction(1, 2)) / 100 if calls else 0


def with_avg(keys: list[str]) -> list[str]:
    """The overview's keys for the metrics `keys` (model_count aside): avg_tokens after total_tokens."""
    at = keys.index("total_tokens") + 1 if "total_tokens" in keys else None
    return keys if at is None else keys[:at] + ["avg_tokens"] + keys[at:]


def active(row: dict[str, int]) -> bool:
    return any(v for k, v in row.items() if k != "timestamp")


@st.composite
def situations(draw: Any, max_span: int = 60 * DAY) -> dict[str, Any]:
    hourly = draw(st.booleans())
    span = draw(st.integers(1, 7 * DAY) if hourly else st.integers(7 * DAY + 1, max_span))
    with_data = st.integers(WINDOW_START - 2 * DAY, DATA_UNTIL - span)  # before the wall clock: usage
    anywhere = st.integers(WINDOW_START - 2 * DAY, WINDOW_END - span + DAY)
    start = draw(st.one_of(with_data, with_data, with_data, anywhere))
    account = draw(st.sampled_from(sorted(FILTERS)))
    out = {"seed": draw(st.integers(0, len(SEEDS) - 1)), "account": account, "start": start, "end": start + span,
           "filters": draw(st.sampled_from(FILTERS[account])), "types": draw(st.sampled_from(TYPES)),
           "forms": {"empty_buckets": draw(st.sampled_from(["zero", "omit"])),
                     "values_encoding": draw(st.sampled_from(["single", "double"]))},
           "clock": None, "events": []}
    if draw(st.booleans()):
        out["clock"] = (draw(st.integers(start, start + span)), draw(st.integers(0, 180)))
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 3))):
            first = max(WINDOW_START, start // HOUR * HOUR + draw(st.integers(-2, span // HOUR)) * HOUR)
            last = min(WINDOW_END, first + draw(st.integers(1, 72)) * HOUR)
            if last > first:
                out["events"].append({"startTime": first, "endTime": last, **draw(st.sampled_from(SCOPES)),
                                      "factor": draw(st.sampled_from([0, 0.5, 1.5, 2, 7.25, 10])),
                                      **({"modelId": draw(st.integers(1, 12))} if draw(st.booleans()) else {})})
    return out


class Situation:
    """One emulator put in a situation's forms, clock and events; reset on leaving."""

    def __init__(self, emus: list[Emulator], s: dict[str, Any]) -> None:
        self.emu, self.s = emus[s["seed"]], s

    def __enter__(self) -> Situation:
        emu, s = self.emu, self.s
        emu.reset()
        emu.set_forms(**s["forms"])
        # A fixed clock: inside the span when the situation says so, else the wall clock's time, held
        # still so the hour holding the cutoff cannot grow between the requests of one example.
        now, lag = s["clock"] or (int(time.time()), emu.clock.lag_minutes)
        emu.clock.set(now, lag_minutes=lag)
        for event in s["events"]:
            emu.usage_events.add(event)
        self.account = emu.accounts[s["account"]]
        self.double = s["forms"]["values_encoding"] == "double"
        self.omit = s["forms"]["empty_buckets"] == "omit"
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.emu.check()  # a bug inside the server fails the example with its traceback
        finally:
            self.emu.reset()

    def get(self, name: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        s = self.s
        q = {"startTime": s["start"], "endTime": s["end"], **s["filters"], **(extra or {})}
        return ok(call(self.emu.url, name, q, self.account))

    def detail(self, model: int, **extra: Any) -> list[dict[str, int]]:
        s = self.s
        q = {"startTime": s["start"], "endTime": s["end"], **s["filters"], **extra}
        return detail_rows(self.emu.url, model, q, self.account, self.double)


def check_against_model_detail(emus: list[Emulator], s: dict[str, Any], page: int) -> None:
    """I1, I2, I3, I4 (automatic granularity), I6."""
    with Situation(emus, s) as sit:
        models = in_m(s["types"])
        detail = {m: sit.detail(m) for m in range(1, 13)}
        sums = {m: {k: sum(r.get(k, 0) for r in detail[m]) for k in KEYS} for m in models}
        used = [m for m in models if any(active(r) for r in detail[m])]
        union = [k for k in KEYS if k in {"total_calls", "total_amount"}.union(*(COLUMNS[m] for m in models))]
        order = union[:-1] + ["model_count", "total_amount"]
        types = {"modelTypes": s["types"]}
        # I1, I2: overview (avg_tokens, a ratio of two of its sums, after total_tokens)
        overview = sit.get("overview", types)["data"]
        assert [x["key"] for x in overview] == with_avg(union[:-1]) + ["model_count", "total_amount"]
        got = {x["key"]: minor(x["value"]) if x["key"] == "total_amount" else x["value"] for x in overview}
        want = {k: sum(sums[m][k] for m in models) for k in union}
        if "total_tokens" in union:
            # the denominator: calls of the models that count tokens (text and embedding)
            want["avg_tokens"] = avg_tokens(want["total_tokens"],
                                            sum(sums[m]["total_calls"] for m in models if "total_tokens" in COLUMNS[m]))
        assert got == {**want, "model_count": len(used)}
        # I3: cost by model, walked with tokens
        q = {"startTime": s["start"], "endTime": s["end"], **s["filters"], **types}
        rows = walk(sit.emu.url, "models", q, sit.account, size=page, items=lambda d: d["rows"])
        assert [r["modelId"] for r in rows] == sorted(used, key=lambda m: (-sums[m]["total_amount"], m))
        for r in rows:
            assert decode(r["values"], sit.double) == {k: sums[r["modelId"]][k] for k in union}
        assert sum(decode(r["values"], sit.double)["total_amount"] for r in rows) == got["total_amount"]
        # I4: trend at the automatic granularity, bucket by bucket
        trend = sit.get("trend", types)["data"]
        assert trend["granularity"] == ("hourly" if s["end"] - s["start"] <= 7 * DAY else "daily")
        assert [x["key"] for x in trend["metrics"]] == order
        by_time = {m: {r["timestamp"]: r for r in detail[m]} for m in models}
        stamps = [p["timestamp"] for p in trend["points"]]
        if sit.omit:  # exactly the buckets where some model of M has usage
            assert stamps == sorted({t for m in models for t in by_time[m]})
        else:  # model-detail's row timestamps
            assert stamps == [r["timestamp"] for r in detail[1]]
        for p in trend["points"]:
            rows_at = [by_time[m][p["timestamp"]] for m in models if p["timestamp"] in by_time[m]]
            want_point = {k: sum(r.get(k, 0) for r in rows_at) for k in union}
            want_point["model_count"] = sum(1 for r in rows_at if active(r))
            assert decode(p["values"], sit.double) == want_point, p["timestamp"]
        assert sum(decode(p["values"], sit.double)["total_amount"] for p in trend["points"]) == got["total_amount"]
        assert walk(sit.emu.url, "trend", q, sit.account, size=page * 7, items=lambda d: d["points"]) == trend["points"]
        # I6: bill summary = overview total, trend's amount series
        summary = sit.get("summary", types)["data"]
        assert minor(summary["totalAmount"]) == got["total_amount"]
        assert [(p["timestamp"], minor(p["totalAmount"])) for p in summary["points"]] == [
            (p["timestamp"], decode(p["values"], sit.double)["total_amount"]) for p in trend["points"]]
        assert walk(sit.emu.url, "summary", q, sit.account, size=page * 7, items=lambda d: d["points"]) == \
            summary["points"]
        for m in (models[:1] if models else []):  # modelId narrows M
            one = sit.get("summary", {"modelId": m})["data"]
            assert minor(one["totalAmount"]) == sum(r["total_amount"] for r in detail[m])


@PROPS
@given(s=situations(), page=st.integers(1, 12))
def test_family_agrees_with_model_detail(emus: list[Emulator], s: dict[str, Any], page: int) -> None:
    check_against_model_detail(emus, s, page)


@pytest.mark.parametrize("seed, account, filters, types, forms, clock, events", [
    (0, "admin", {}, None, {}, None, []),
    (1, "dept-scoped", {"memberUserIds": "1001"}, "Chat", {"empty_buckets": "omit", "values_encoding": "double"},
     (ts(2024, 9, 9, 13), 45), []),
    (2, "other-org-admin", {}, "LLM,TTS", {"empty_buckets": "omit"}, None,
     [{"startTime": ts(2024, 5, 1), "endTime": ts(2024, 6, 1), "factor": 0},
      {"startTime": ts(2024, 2, 1), "endTime": ts(2024, 2, 2), "apiKeyId": 6101, "modelId": 1, "factor": 10}]),
    (0, "readonly", {"clientIds": "3,4"}, None, {"values_encoding": "double"}, (ts(2024, 12, 31, 12), 0),
     [{"startTime": ts(2024, 3, 3), "endTime": ts(2024, 3, 10), "clientId": 3, "factor": 2.5}]),
], ids=["admin", "dept-scoped-omit-double-clock", "other-org-omit-events", "readonly-double-clock-events"])
def test_a_whole_year(emus: list[Emulator], seed: int, account: str, filters: dict, types: str | None, forms: dict,
                      clock: tuple | None, events: list) -> None:
    """Fixed 366-day cases: daily buckets over a year, at the longest span allowed."""
    s = {"seed": seed, "account": account, "start": ts(2024, 1, 1), "end": ts(2024, 1, 1) + 366 * DAY,
         "filters": filters, "types": types, "forms": {"empty_buckets": "zero", "values_encoding": "single", **forms},
         "clock": clock, "events": events}
    check_against_model_detail(emus, s, 5)


@PROPS
@given(s=situations(max_span=30 * DAY))  # whole days around it: at most 31
def test_explicit_granularity_sums_hours_into_days(emus: list[Emulator], s: dict[str, Any]) -> None:
    """I4: an explicit daily trend on a short span sums each day's hours; an explicit hourly trend
    over a day-aligned span, summed by day, is model-detail's daily rows."""
    from emulator.domain.timeline import floor_day

    first, last = floor_day(s["start"]), floor_day(s["end"] - 1) + DAY
    hourly = last - first <= 7 * DAY
    s = {**s, "start": first, "end": last} if not hourly else s
    with Situation(emus, s) as sit:
        models = in_m(s["types"])
        union = [k for k in KEYS if k in {"total_calls", "total_amount"}.union(*(COLUMNS[m] for m in models))]
        if hourly:  # model-detail hourly over the whole days; trend asked daily
            fine = {m: sit.detail(m, startTime=first, endTime=last) for m in models}
            got = sit.get("trend", {"modelTypes": s["types"], "granularity": "daily"})["data"]
        else:  # model-detail daily; trend asked hourly, summed here by day
            fine = {m: sit.detail(m) for m in models}
            got = sit.get("trend", {"modelTypes": s["types"], "granularity": "hourly"})["data"]
            assert got["granularity"] == "hourly" and all(p["timestamp"] % HOUR == 0 for p in got["points"])
        days: dict[int, list[dict[str, int]]] = {}
        for m in models:
            per_day: dict[int, Counter] = {}
            for r in fine[m]:
                per_day.setdefault(floor_day(r["timestamp"]), Counter()).update(
                    {k: v for k, v in r.items() if k != "timestamp"})
            for day, c in per_day.items():
                days.setdefault(day, []).append(dict(c))
        if hourly:
            assert got["granularity"] == "daily"
            points = {p["timestamp"]: decode(p["values"], sit.double) for p in got["points"]}
        else:
            points = {}
            for p in got["points"]:
                values = decode(p["values"], sit.double)
                values.pop("model_count")
                points.setdefault(floor_day(p["timestamp"]), Counter()).update(values)
        listed = [d for d in range(first, last, DAY) if not sit.omit or any(active(r) for r in days.get(d, []))]
        assert sorted(points) == listed
        for day, values in points.items():
            want = {k: sum(r.get(k, 0) for r in days.get(day, [])) for k in union}
            if hourly:
                want["model_count"] = sum(1 for r in days.get(day, []) if active(r))
            assert {k: values.get(k, 0) for k in want} == want and set(values) <= set(want) | {"model_count"}


@PROPS
@given(s=situations())
def test_tabs_partition_the_overview(emus: list[Emulator], s: dict[str, Any]) -> None:
    """I5: overview(modelTypes = a tab's types), summed over the non-`all` tabs, is the overview
    without modelTypes (model_count included: the tabs partition the models; avg_tokens, a ratio,
    is not summed)."""
    with Situation(emus, s) as sit:
        tabs = ok(call(sit.emu.url, "tabs", account=sit.account))["data"]
        assert tabs[0]["key"] == "all" and tabs[0]["modelTypes"] == []

        def overview(types: str | None) -> Counter:
            data = sit.get("overview", {"modelTypes": types})["data"]
            return Counter({x["key"]: minor(x["value"]) if x["key"] == "total_amount" else x["value"] for x in data
                            if x["key"] != "avg_tokens"})

        parts: Counter = Counter()
        for tab in tabs[1:]:
            parts.update(overview(",".join(tab["modelTypes"])))
        whole = overview(None)
        assert {k: parts.get(k, 0) for k in whole} == dict(whole) and set(parts) <= set(whole)


def additive(sit: Situation, name: str, filters: dict[str, Any]) -> Counter:
    """A cost action's additive figures under `filters` (model_count and avg_tokens aside), zeros dropped."""
    q = {"startTime": sit.s["start"], "endTime": sit.s["end"], "modelTypes": sit.s["types"], **filters}
    out: Counter = Counter()
    if name == "models":
        for r in walk(sit.emu.url, name, q, sit.account, items=lambda d: d["rows"]):
            out.update({(r["modelId"], k): v for k, v in decode(r["values"], sit.double).items()})
    else:
        data = ok(call(sit.emu.url, name, q, sit.account))["data"]
        if name == "overview":
            out.update({x["key"]: minor(x["value"]) if x["key"] == "total_amount" else x["value"] for x in data
                        if x["key"] != "avg_tokens"})
        elif name == "trend":
            out.update({(p["timestamp"], k): v for p in data["points"] for k, v in
                        decode(p["values"], sit.double).items()})
        else:
            out.update({p["timestamp"]: minor(p["totalAmount"]) for p in data["points"]})
            out["total"] = minor(data["totalAmount"])
    return Counter({k: v for k, v in out.items() if v and "model_count" not in (k if isinstance(k, tuple) else (k,))})


DEPARTMENTS = {"admin": {2: (1001, 1002, 1003), 3: (1004, 1005), 4: (1006,)}, "dept-scoped": {2: (1001, 1002, 1003)},
               "other-org-admin": {11: (2001,)}}


@PROPS
@given(s=situations(), data=st.data())
def test_filters_compose(emus: list[Emulator], s: dict[str, Any], data: st.DataObject) -> None:
    """I8 for every cost action: clientIds=a,b = clientId=a + clientId=b; a department =
    memberUserIds="" + Σ its members (each given alone)."""
    s = {**s, "account": "admin" if s["account"] == "readonly" else s["account"]}
    deps = DEPARTMENTS[s["account"]]
    dep = data.draw(st.sampled_from(sorted(deps)))
    pair = data.draw(st.sampled_from([(1, 2), (2, 3), (3, 4), (1, 4)])) if s["account"] == "admin" else None
    with Situation(emus, s) as sit:
        for name in COST:
            def f(**filters: Any) -> Counter:
                return additive(sit, name, filters)  # noqa: B023 - used at once, in this iteration

            parts = f(clientId=dep, memberUserIds="")
            for member in deps[dep]:
                parts.update(f(clientId=dep, memberUserIds=str(member)))
            assert f(clientId=dep) == parts, name
            if pair:
                assert f(clientIds=f"{pair[0]},{pair[1]}") == f(clientId=pair[0]) + f(clientId=pair[1]), name
