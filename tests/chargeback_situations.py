"""The situations the chargeback property tests (tests/properties/test_chargeback_*.py) draw: a
span (with model-detail's granularity, hourly up to 7 days, or whole Beijing days), an account and
filters it may use, a model set, a seed, the forms, maybe a data clock inside the span, maybe usage
events (factors and exact figures); and `Situation`, which puts an emulator in one and reads its
breakdown rows and totals."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from chargeback_helpers import decode, get, minor, ok, rows
from family_helpers import WIRE_TYPE
from helpers import DAY, DEFAULT_FIXTURE, ts
from hypothesis import note, settings
from hypothesis import strategies as st

from emulator.server import Emulator

PROPS = settings(max_examples=40, deadline=None)
HOUR = 3600
SEEDS = (0, 7)
DATA_FROM, DATA_UNTIL = ts(2023, 1, 1), ts(2026, 10, 1)  # usage from the fixture's window, before the wall clock
COST, USAGE = "QueryBillingCostBreakdown", "QueryUsageBreakdown"
ORG = [{}, {"clientId": 1}, {"clientId": 2}, {"clientId": 3}, {"clientIds": "2,4"}, {"clientIds": "1,3"},
       {"memberUserIds": ""}, {"clientId": 2, "memberUserIds": ""}, {"clientId": 2, "memberUserIds": "1001,1003"},
       {"memberUserIds": "1004,1006"}, {"clientId": 2, "apiKeyId": 5105}, {"clientId": 3, "apiKeyId": 5203}]
FILTERS = {"admin": ORG, "readonly": ORG,
           "dept-scoped": [{}, {"clientId": 2}, {"clientIds": "2"}, {"memberUserIds": ""}, {"memberUserIds": "1002"},
                           {"clientId": 2, "apiKeyId": 5101}],
           "other-org-admin": [{}, {"clientId": 11}, {"memberUserIds": "2001"}, {"clientId": 11, "apiKeyId": 6102},
                               {"memberUserIds": ""}]}
MODEL_SETS = [*({"modelId": m} for m in range(1, 13)), {"modelId": 2}, {"modelTypes": "Chat"},
              {"modelTypes": "Embedding,TTS"}, {"modelTypes": "ImageGeneration,VideoGeneration,ASR"}, {}]
SCOPES = [{}, *({"apiKeyId": k} for k in (5001, 5101, 5203, 5301, 6101)), {"memberUserId": 1001},
          {"memberUserId": 1005}, {"clientId": 2}, {"clientId": 3}]
TIERED = {m["id"]: m["tiers"] for m in DEFAULT_FIXTURE["models"] if m.get("tiers")}


def two_emulators() -> Iterator[list[Emulator]]:
    """One emulator per seed, for a module's examples (each example resets the one it uses)."""
    with Emulator(seed=SEEDS[0]) as a, Emulator(seed=SEEDS[1]) as b:
        yield [a, b]


def in_m(models: dict[str, Any]) -> list[int]:
    if "modelId" in models:
        return [models["modelId"]]
    if "modelTypes" in models:
        wanted = models["modelTypes"].lower().split(",")
        return [m for m, t in WIRE_TYPE.items() if t.lower() in wanted]
    return list(range(1, 13))


def midnight(t: int) -> int:
    """Beijing midnight of the day holding `t`."""
    return (t + 8 * HOUR) // DAY * DAY - 8 * HOUR


def buckets(start: int, end: int, granularity: str) -> list[int]:
    """The buckets overlapping [start, end): hours, or days from Beijing midnight."""
    if granularity == "hourly":
        return list(range(start // HOUR * HOUR, end, HOUR))
    return list(range(midnight(start), end, DAY))


@st.composite
def situations(draw: Any, max_hours: int = 72, max_days: int = 20, aligned: bool = False, daily: bool = True,
               set_amounts: bool = True, model_sets: list[dict[str, Any]] = MODEL_SETS) -> dict[str, Any]:
    """A span (with model-detail's granularity: hourly up to 7 days), an account, its filters, a
    model set, the forms, maybe a clock inside the span, maybe usage events."""
    if aligned:  # whole Beijing days
        span = draw(st.integers(1, max_days)) * DAY
        start = midnight(draw(st.integers(DATA_FROM, DATA_UNTIL - span)))
    else:
        hourly = not daily or draw(st.booleans())
        span = draw(st.integers(1, max_hours)) * HOUR if hourly else draw(st.integers(8, max_days)) * DAY
        span += draw(st.sampled_from([0, 0, 1, 1799, -1]))  # sometimes not whole hours or days
        start = draw(st.integers(DATA_FROM, DATA_UNTIL - span))
        if draw(st.booleans()):
            start -= start % HOUR
    account = draw(st.sampled_from(sorted(FILTERS)))
    s = {"seed": draw(st.integers(0, len(SEEDS) - 1)), "account": account, "start": start, "end": start + span,
         "granularity": "hourly" if span <= 7 * DAY else "daily",
         "filters": draw(st.sampled_from(FILTERS[account])), "models": draw(st.sampled_from(model_sets)),
         "forms": {"empty_buckets": draw(st.sampled_from(["zero", "omit"])),
                   "values_encoding": draw(st.sampled_from(["single", "double"]))}, "clock": None, "events": []}
    if draw(st.integers(0, 2)) == 0:
        s["clock"] = (draw(st.integers(start, start + span)), draw(st.sampled_from([0, 45, 180])))
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        first = max(DATA_FROM, start // HOUR * HOUR + draw(st.integers(-1, span // HOUR)) * HOUR)  # in the window
        event: dict[str, Any] = {"startTime": first, "endTime": first + draw(st.integers(1, 30)) * HOUR}
        if draw(st.integers(0, 3)) == 0:  # exact figures for one key and one model
            model = draw(st.sampled_from([1, 2, 7, 8, 12]))
            figures = {1: {"total_calls": 50, "input_tokens": 40_000, "output_tokens": 9_000},
                       2: {"total_calls": 7, "input_tokens": 123_457, "output_tokens": 7_001},
                       7: {"total_calls": 3, "input_tokens": 999}, 8: {"total_calls": 2, "image_count": 9},
                       12: {"total_calls": 5, "characters": 12_345}}[model]
            if set_amounts and draw(st.booleans()):
                figures = {**figures, "total_amount": "1.2345"}
            event.update(apiKeyId=draw(st.sampled_from([5101, 5104, 5202, 6101])), modelId=model, set=figures)
        else:
            event.update(draw(st.sampled_from(SCOPES)), factor=draw(st.sampled_from([0, 0.5, 2, 7.25])))
            if draw(st.booleans()):
                event["modelId"] = draw(st.integers(1, 12))
        s["events"].append(event)
    return s


class Situation:
    """One emulator in a situation's forms, clock and events; reset (and checked) on leaving."""

    def __init__(self, emus: list[Emulator], s: dict[str, Any]) -> None:
        self.emu, self.s = emus[s["seed"]], s
        self.double = s["forms"]["values_encoding"] == "double"
        self.omit = s["forms"]["empty_buckets"] == "omit"

    def __enter__(self) -> Situation:
        emu, s = self.emu, self.s
        note(f"situation: {s}")
        emu.reset()
        emu.set_forms(**s["forms"])
        now, lag = s["clock"] or (int(time.time()), 0)  # held still: the hour of the cutoff cannot grow meanwhile
        emu.clock.set(now, lag_minutes=lag)
        for event in s["events"]:
            emu.usage_events.add(event)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.emu.check()
        finally:
            self.emu.reset()

    def query(self, **extra: Any) -> dict[str, Any]:
        s = self.s
        return {"startTime": s["start"], "endTime": s["end"], **s["filters"], **extra}

    def rows(self, name: str = COST, models: bool = True, granularity: str | None = None) -> list[dict[str, Any]]:
        q = self.query(granularity=granularity or self.s["granularity"], **(self.s["models"] if models else {}))
        return rows(self.emu, name, self.s["account"], **q)

    def total(self) -> int:
        """The overview's total_amount for the span, the filters and the model types, in 0.0001 元 (the
        bill summary's totalAmount for one modelId: the overview takes no modelId)."""
        account, models = self.s["account"], self.s["models"]
        if "modelId" in models:
            data = ok(get(self.emu, "GetBillingBillSummary", account=account, **self.query(**models)))["data"]
            return minor(data["totalAmount"])
        data = ok(get(self.emu, "QueryCostOverviewMetrics", account=account, **self.query(**models)))["data"]
        return minor(next(x["value"] for x in data if x["key"] == "total_amount"))

    def values(self, row: dict[str, Any]) -> dict[str, int]:
        out = decode(row["values"], self.double)
        assert minor(out["total_amount"]) == minor(row["payableAmount"])
        return {k: minor(v) if k == "total_amount" else v for k, v in out.items()}
